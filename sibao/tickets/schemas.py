"""The requests API's input and output shapes (RQ-1…RQ-6)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from sibao.core.api_types import Id
from sibao.core.roles import Role
from sibao.core.workflow import history
from sibao.enterprises.schemas import EnterpriseRef, RegionRef
from sibao.organisation.models import DepartmentFunction
from sibao.tickets.models import Category, EscalationReason, Outcome, Satisfaction, TicketState, Urgency
from sibao.tickets.routing import routing_for
from sibao.tickets.selectors import deadline_state, likely_duplicates
from sibao.tickets.workflows import TICKET, is_holding_hq
from sibao.whitelist.schemas import HistoryOut

# PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail in the database.
NO_NUL = r"^[^\x00]*$"


def text_field(max_length: int, default: Any = "", **extra: Any) -> Any:
    return Field(default, max_length=max_length, pattern=NO_NUL, **extra)


# The actions ``POST /requests/{id}/actions/{action}`` takes and the body fields each reads. Linking and
# answering through a common issue go through the common-issue endpoints instead.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "assign": ("unit_id", "due_at"),
    "respond": ("text",),
    "return_to_hq": ("reason",),
    "escalate": ("reason_code", "reason"),
    "request_info": ("question",),
    "provide_info": ("text",),
    "answer": ("outcome", "reply"),
    "rate": ("satisfaction", "score", "comment"),
    "reopen": ("score", "comment"),
    "verify": ("verification",),
    "close": (),
}


class UnitRef(Schema):
    id: int
    name: str


# --- RQ-1: intake, lists --------------------------------------------------------------------------


class TicketIn(Schema):
    category: Category
    urgency: Urgency = Urgency.NORMAL
    title: str = text_field(120, ...)
    text: str = text_field(4000, ...)
    enterprise_id: Id | None = Field(None, description="官员代企业填报时必填；企业用户可省略")


class TicketOut(Schema):
    """A row of a request list (RQ-6: with its deadline state)."""

    id: int
    number: str
    enterprise: EnterpriseRef
    region: RegionRef
    category: Category
    urgency: Urgency
    title: str
    state: TicketState
    holder_region: RegionRef = Field(..., description="持有该诉求的指挥部办公室所在层级")
    unit: UnitRef | None
    common_issue_id: int | None
    filed_at: datetime
    due_at: datetime | None
    deadline_state: str = Field(..., description="paused | overdue | due_soon | on_time | 空")

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj.enterprise.region

    @staticmethod
    def resolve_deadline_state(obj: Any) -> str:
        return deadline_state(obj)


class NoteOut(Schema):
    id: int
    author: str
    text: str
    visible_to_enterprise: bool
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author)


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    uploaded_at: datetime


class NoticeOut(Schema):
    id: int
    ticket_id: int
    unit: UnitRef | None
    text: str
    respond_by: datetime
    issued_at: datetime


class TicketActionOut(Schema):
    action: str
    label: str
    needs_reason: bool
    fields: list[str] = Field(..., description="该操作请求体中使用的字段")


class RoutingOut(Schema):
    unit: UnitRef | None = Field(..., description="按规则建议的责任单位")
    response_hours: float
    handling_days: float
    rule_id: int | None


class DuplicateOut(Schema):
    ticket: TicketOut
    similarity: float


class TicketDetailOut(TicketOut):
    text: str
    assigned_at: datetime | None
    response_due: datetime | None
    responded_at: datetime | None
    paused_at: datetime | None
    outcome: Outcome | None
    reply: str
    answered_at: datetime | None
    satisfaction: Satisfaction | None
    score: int | None
    rating_comment: str
    rated_at: datetime | None
    verification: str
    verified_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    escalation_count: int
    notes: list[NoteOut]
    attachments: list[AttachmentOut]
    notices: list[NoticeOut]
    history: list[HistoryOut]
    actions: list[TicketActionOut] = Field(..., description="调用者现在可执行的操作")
    routing: RoutingOut | None = Field(None, description="仅对持有该诉求的指挥部办公室：建议的责任单位与期限")
    duplicates: list[DuplicateOut] = Field(..., description="仅对持有该诉求的指挥部办公室：可能重复的诉求")

    @staticmethod
    def resolve_outcome(obj: Any) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_satisfaction(obj: Any) -> str | None:
        return obj.satisfaction or None

    @staticmethod
    def resolve_notes(obj: Any, context: Any) -> Any:
        notes = obj.notes.select_related("author")
        if getattr(context["request"].user, "role", None) == Role.ENTERPRISE:
            notes = notes.filter(visible_to_enterprise=True)
        return list(notes)

    @staticmethod
    def resolve_attachments(obj: Any) -> Any:
        return list(obj.attachments.order_by("uploaded_at", "pk"))

    @staticmethod
    def resolve_notices(obj: Any) -> Any:
        return list(obj.notices.select_related("unit"))

    @staticmethod
    def resolve_history(obj: Any) -> Any:
        return list(history(obj))

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> Any:
        user = context["request"].user
        return [
            {
                "action": transition.action,
                "label": str(transition.label),
                "needs_reason": transition.needs_reason,
                "fields": list(ACTION_FIELDS[transition.action]),
            }
            for transition in TICKET.available(obj, user)
            if transition.action in ACTION_FIELDS
        ]

    @staticmethod
    def resolve_routing(obj: Any, context: Any) -> Any:
        if not is_holding_hq(context["request"].user, obj):
            return None
        routing = routing_for(obj)
        return {
            "unit": routing.unit,
            "response_hours": routing.response.total_seconds() / 3600,
            "handling_days": routing.handling.total_seconds() / 86400,
            "rule_id": routing.rule.pk if routing.rule else None,
        }

    @staticmethod
    def resolve_duplicates(obj: Any, context: Any) -> Any:
        if not is_holding_hq(context["request"].user, obj):
            return []
        return [{"ticket": other, "similarity": score} for other, score in likely_duplicates(obj)]


# --- RQ-2…RQ-5: actions ---------------------------------------------------------------------------


class TicketActionIn(Schema):
    """The fields each action reads: assign (unit_id, due_at), respond (text), return_to_hq (reason),
    escalate (reason_code, reason), request_info (question), provide_info (text), answer (outcome, reply),
    rate and reopen (satisfaction, score, comment), verify (verification), close (none)."""

    unit_id: Id | None = Field(None, description="assign：责任单位；省略时按规则建议")
    due_at: datetime | None = Field(None, description="assign：办结期限；省略时按规则")
    text: str = text_field(4000)
    reason: str = text_field(2000)
    reason_code: EscalationReason | None = None
    question: str = text_field(2000)
    outcome: Outcome | None = None
    reply: str = text_field(4000)
    satisfaction: Satisfaction | None = None
    score: int | None = Field(None, ge=1, le=5)
    comment: str = text_field(2000)
    verification: str = text_field(4000)


class NoteIn(Schema):
    text: str = text_field(4000, ...)
    visible_to_enterprise: bool = True


class NoticeIn(Schema):
    text: str = text_field(2000, ...)


# --- RQ-2: common issues --------------------------------------------------------------------------


class CommonIssueIn(Schema):
    title: str = text_field(120, ...)
    description: str = text_field(4000)
    unit_id: Id
    ticket_ids: list[Id] = Field(..., max_length=200, description="至少两件原因相同的诉求")


class CommonIssueOut(Schema):
    id: int
    region: RegionRef
    title: str
    description: str
    unit: UnitRef
    created_at: datetime
    answer: str
    outcome: Outcome | None
    answered_at: datetime | None
    ticket_count: int

    @staticmethod
    def resolve_outcome(obj: Any) -> str | None:
        return obj.outcome or None


class CommonIssueDetailOut(CommonIssueOut):
    tickets: list[TicketOut] = Field(..., description="调用者可见的关联诉求")

    @staticmethod
    def resolve_tickets(obj: Any) -> Any:
        return obj.visible_tickets


class CommonIssueAnswerIn(Schema):
    outcome: Outcome
    answer: str = text_field(4000, ...)


# --- RQ-2: routing rules (issue 9 #7) ----------------------------------------------------------------------


class RoutingRuleOut(Schema):
    id: int
    region: RegionRef
    category: Category
    urgency: Urgency | Literal[""] = Field(description="空：任何紧急程度")
    department_function: DepartmentFunction
    response_hours: int | None
    handle_days: int | None
    is_active: bool


class RoutingRuleIn(Schema):
    region_code: str = Field(..., pattern=r"^\d{6,12}$", description="省、市或县的区划代码（默认本级）")
    category: Category
    urgency: Urgency | Literal[""] = ""
    department_function: DepartmentFunction
    response_hours: int | None = Field(None, ge=1, le=720, description="空：本地区默认时限")
    handle_days: int | None = Field(None, ge=1, le=365, description="空：本地区默认时限")


class RoutingRulePatch(Schema):
    department_function: DepartmentFunction | None = None
    response_hours: int | None = Field(None, ge=1, le=720)
    handle_days: int | None = Field(None, ge=1, le=365)
    is_active: bool | None = None
