"""Scoped reads of the retention pages: the retention in force for the user's region, and past purges in scope."""

from typing import Any

from django.db.models import QuerySet

from sibao.accounts.models import User
from sibao.core.personal_data import registered_personal_tables
from sibao.parameters.selectors import parameter_value
from sibao.retention.models import Purge


def retention_in_force(*, user: User) -> list[dict[str, Any]]:
    return [
        {"kind": table.kind, "label": table.label, "days": parameter_value(table.parameter, user.region)}
        for table in registered_personal_tables()
    ]


def purge_list(*, user: User) -> QuerySet[Purge]:
    return Purge.objects.visible_to(user).select_related("region", "started_by")
