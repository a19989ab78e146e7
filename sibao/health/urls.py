from typing import Any

app_name = "health"

urlpatterns: list[Any] = []
