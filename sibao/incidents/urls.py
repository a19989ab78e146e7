from typing import Any

app_name = "incidents"

urlpatterns: list[Any] = []
