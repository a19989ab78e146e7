from typing import Any

app_name = "sentinel"

urlpatterns: list[Any] = []
