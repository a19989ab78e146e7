from typing import Any

app_name = "readiness"

urlpatterns: list[Any] = []
