"""The audit log through the API (X-3, X-5): what the audit page lists, with its filters, for the roles that may
read it (the administrator) — every change and security event, newest first, in words people read."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sibao.core.api_errors import require, responses
from sibao.core.api_pagination import BoundedLimitOffset, SummaryPage
from sibao.core.api_types import Input, optional_text
from sibao.core.audit import audited_models
from sibao.core.audit_display import AuditRow, audit_entries, audit_kinds, audit_rows
from sibao.core.roles import Capability

router = Router(tags=["audit"])


# The filters' values as the document's enums (a value it does not list is refused by the schema, naming the field).
# The record types come from the apps' AppConfigs, all loaded before the API's URLs are.
AuditedModel = Literal[tuple(sorted(audited_models()))]  # type: ignore[valid-type]  # values known at start-up
AuditKind = Literal[tuple(audit_kinds())]  # type: ignore[valid-type]


class AuditQuery(Input):
    model: AuditedModel | None = Field(  # type: ignore[valid-type]
        None, description="记录类型，如 enterprises.Enterprise（缺省：全部）"
    )
    kind: AuditKind | None = Field(  # type: ignore[valid-type]
        None, description="changes（记录变更）、events（登录与拒绝）或某一安全事件（缺省：全部）"
    )
    actor: str = optional_text(150, description="操作人用户名（或已删除用户的邮箱片段）")


class AuditChangeOut(Schema):
    label: str
    before: str
    after: str


class AuditEntryOut(Schema):
    id: int
    timestamp: datetime
    actor: str
    action: str
    subject: str = Field(description="记录类型（读者所用语言）")
    object_repr: str
    object_pk: str
    remote_addr: str | None
    is_event: bool
    changes: list[AuditChangeOut]
    details: list[str]


def _entry_out(row: AuditRow) -> dict[str, Any]:
    entry = row.entry
    return {
        "id": entry.pk,
        "timestamp": entry.timestamp,
        "actor": row.actor,
        "action": row.action,
        "subject": row.subject,
        "object_repr": row.object_repr,
        "object_pk": entry.object_pk,
        "remote_addr": entry.remote_addr,
        "is_event": row.is_event,
        "changes": [{"label": c.label, "before": c.before, "after": c.after} for c in row.changes],
        "details": row.details,
    }


@router.get("", response=responses({200: list[AuditEntryOut]}), summary="The audit log, newest first")
@paginate(BoundedLimitOffset)
def list_entries(request: Any, query: Query[AuditQuery]) -> Any:
    require(request, Capability.AUDIT_VIEW)
    entries = audit_entries(model=query.model or "", kind=query.kind or "", actor=query.actor)
    return SummaryPage(rows=entries, render=lambda page: [_entry_out(row) for row in audit_rows(page)])
