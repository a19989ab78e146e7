from typing import Any

app_name = "venues"

urlpatterns: list[Any] = []
