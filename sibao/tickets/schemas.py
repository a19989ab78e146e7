"""The requests API's input and output shapes (RQ-1…RQ-8)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from sibao.core.api_types import NOT_BLANK, Id, Input, IsoDate, IsoDateTime, optional_text, required_text
from sibao.core.roles import Role
from sibao.core.workflow import history
from sibao.enterprises.schemas import EnterpriseRef, RegionRef
from sibao.organisation.models import DepartmentFunction
from sibao.tickets.metrics import EARLIEST_DAY, LATEST_DAY, PeriodChoice, percent_of
from sibao.tickets.models import Category, EscalationReason, Outcome, Satisfaction, TicketState, Urgency
from sibao.tickets.routing import routing_for
from sibao.tickets.selectors import deadline_state, likely_duplicates
from sibao.tickets.workflows import TICKET, is_holding_hq
from sibao.whitelist.schemas import HistoryOut, UnitRef

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


# --- RQ-1: intake, lists --------------------------------------------------------------------------


class TicketIn(Input):
    category: Category
    urgency: Urgency = Urgency.NORMAL
    title: str = required_text(120)
    text: str = required_text(4000)
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


class TicketAttachmentOut(Schema):
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
    attachments: list[TicketAttachmentOut]
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


class AssignIn(Input):
    unit_id: Id | None = Field(None, description="责任单位；省略时按交办规则建议")
    due_at: IsoDateTime | None = Field(None, description="办结期限（一年以内的将来时间）；省略时按规则")


class RespondIn(Input):
    text: str = optional_text(4000, description="给企业的受理答复（可选）")


class ReturnIn(Input):
    reason: str = required_text(2000, description="退回理由")


class EscalateIn(Input):
    reason_code: EscalationReason
    reason: str = required_text(2000, description="上报说明")


class QuestionIn(Input):
    question: str = required_text(2000, description="请企业补充的内容")


class InformationIn(Input):
    text: str = required_text(4000, description="补充的材料说明")


class AnswerIn(Input):
    outcome: Outcome
    reply: str = required_text(4000, description="给企业的答复")


class RateIn(Input):
    satisfaction: Satisfaction
    score: int = Field(..., ge=1, le=5)
    comment: str = optional_text(2000, description="不满意时必填：仍存在的问题")

    model_config = ConfigDict(
        json_schema_extra={
            # RQ-5: "unsatisfied" reopens the request and must say what is still wrong.
            "if": {"properties": {"satisfaction": {"const": Satisfaction.UNSATISFIED.value}}},
            "then": {"properties": {"comment": {"pattern": NOT_BLANK}}},
        }
    )


class ReopenIn(Input):
    score: int = Field(..., ge=1, le=5)
    comment: str = required_text(2000, description="仍存在的问题")


class VerifyIn(Input):
    verification: str = required_text(4000, description="回访核实情况")


class NoteIn(Input):
    text: str = required_text(4000)
    visible_to_enterprise: bool = True


class NoticeIn(Input):
    text: str = required_text(2000)


# --- RQ-2: common issues --------------------------------------------------------------------------


class CommonIssueIn(Input):
    title: str = required_text(120)
    description: str = optional_text(4000)
    unit_id: Id
    ticket_ids: list[Id] = Field(
        ..., min_length=2, max_length=200, description="至少两件原因相同的诉求", json_schema_extra={"uniqueItems": True}
    )


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


class CommonIssueAnswerIn(Input):
    outcome: Outcome
    answer: str = required_text(4000)


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


class RoutingRuleIn(Input):
    region_code: str = Field(..., pattern=r"^\d{6,12}$", description="省、市或县的区划代码（默认本级）")
    category: Category
    urgency: Urgency | Literal[""] = ""
    department_function: DepartmentFunction
    response_hours: int | None = Field(None, ge=1, le=720, description="空：本地区默认时限")
    handle_days: int | None = Field(None, ge=1, le=365, description="空：本地区默认时限")


class RoutingRulePatch(Input):  # null hours: back to the region's default
    department_function: DepartmentFunction | None = None
    response_hours: int | None = Field(None, ge=1, le=720)
    handle_days: int | None = Field(None, ge=1, le=365)
    is_active: bool | None = None


# --- RQ-7: metrics; RQ-8: weekly reports ----------------------------------------------------------------------

# A region chosen by its code (county 6 digits, township 9), or empty: the caller's own (the province for
# administrators). Outside the caller's subtree: 404.
REGION_CHOICE = r"^([0-9]{6}([0-9]{3})?)?$"
_DAYS = f"{EARLIEST_DAY.isoformat()} 至 {LATEST_DAY.isoformat()}"


class MetricsFilters(Input):
    """The metrics page's filters (``/requests/metrics/``), with its defaults."""

    region: str = Field("", pattern=REGION_CHOICE, description="区划代码（含下级）；空：本人所在区划（管理员：全省）")
    period: PeriodChoice = Field(
        PeriodChoice.THIS_WEEK,
        description="this_week 本周（周六至周五）、last_week 上周、month 本月、custom 自定义（start 至 end）",
    )
    start: IsoDate | None = Field(None, description=f"自定义起始日（仅 custom，须与 end 同时给出；{_DAYS}）")
    end: IsoDate | None = Field(None, description=f"自定义截止日（含当日；仅 custom，与 start 顺序不限；{_DAYS}）")


class RatioOut(Schema):
    numerator: int
    denominator: int
    rate: float | None = Field(..., description="numerator ÷ denominator；未计入任何事项时为 null")
    percent: float | None = Field(None, description="rate 的百分数（一位小数，与页面一致）")

    @staticmethod
    def resolve_percent(obj: Any) -> float | None:
        return percent_of(obj["rate"])


class MetricsOut(Schema):
    """RQ-7's figures (``Metrics.as_dict``): each rate with what it counts."""

    response: RatioOut = Field(..., description="响应率：期内交办且在响应时限内响应")
    on_time: RatioOut = Field(..., description="按时办结率：期内答复且未超期限")
    resolution: RatioOut = Field(..., description="解决率：期内答复且结果为已解决")
    satisfaction: RatioOut = Field(..., description="满意率：期内评价为满意或基本满意")
    reopen: RatioOut = Field(..., description="重办率：期内重新办理次数 ÷ 答复次数")
    closed: int = Field(..., description="期内办结（销号）件数")
    avg_close_hours: float | None = Field(..., description="期内办结诉求从提交到办结的平均小时数")


class GroupMetricsOut(MetricsOut):
    """A ranked row: a responsible unit or a region one level below."""

    key: str = Field(..., description="责任单位 id 或下级区划代码")
    name: str
    rank: int | None = Field(..., description="按按时办结率、再按满意率排名；期内无答复的不排名")


class PeriodOut(Schema):
    first_day: date
    last_day: date = Field(..., description="含当日")
    start: datetime = Field(..., description="起始时刻（北京时间 0 时）")
    end: datetime = Field(..., description="结束时刻（不含；last_day 次日北京时间 0 时）")


class RequestMetricsOut(Schema):
    region: RegionRef
    period: PeriodOut
    totals: MetricsOut
    by_unit: list[GroupMetricsOut] = Field(..., description="责任单位排名（全部；页面每页显示 50 个）")
    by_region: list[GroupMetricsOut] = Field(..., description="下级区划排名（每个下级区划一行）")
    refreshed_at: datetime | None = Field(..., description="汇总数据更新时间；null：按当前数据实时计算")
    refresh_every_minutes: int | None = Field(..., description="汇总数据的更新间隔（分钟）；实时计算时为 null")


class WeeklyReportListFilters(Input):
    region: str = Field("", pattern=REGION_CHOICE, description="区划代码（仅该区划本级的周报告）；空：本人所在区划")


class WeeklyReportOut(Schema):
    id: int
    region: RegionRef
    week_end: date = Field(..., description="周报告所截止的周五（统计周：周六 0 时至周五 24 时，北京时间）")
    generated_at: datetime


class WeeklyPeriodOut(Schema):
    start: datetime
    end: datetime


class WeeklyRequestRow(Schema):
    number: str
    title: str
    enterprise: str
    unit: str = Field(..., description="责任单位（未交办为空）")


class OverdueRowOut(WeeklyRequestRow):
    due_at: str = Field(..., description="办结期限（北京时间，YYYY-MM-DD HH:MM）")
    days_overdue: float | None


class EscalatedRowOut(WeeklyRequestRow):
    at: str = Field(..., description="上报时间（北京时间，YYYY-MM-DD HH:MM）")
    reason: str
    from_region: str
    to_region: str


class ReopenedRowOut(WeeklyRequestRow):
    at: str = Field(..., description="重新办理时间（北京时间，YYYY-MM-DD HH:MM）")
    reason: str = Field(..., description="企业的意见")


class WeeklyFiguresOut(Schema):
    """The report's stored content, as built (``reports.weekly_report_build``)."""

    period: WeeklyPeriodOut
    cutoff: datetime = Field(..., description="逾期统计截止时刻（周未结束时生成：生成时刻）")
    complete: bool = Field(..., description="生成时统计周是否已结束（false：初稿）")
    filed: int = Field(..., description="本周提交的诉求数")
    totals: MetricsOut
    by_unit: list[GroupMetricsOut]
    by_region: list[GroupMetricsOut]
    overdue: list[OverdueRowOut] = Field(..., description="周末仍超期未答复的诉求")
    escalated: list[EscalatedRowOut] = Field(..., description="本周上报的诉求")
    reopened: list[ReopenedRowOut] = Field(..., description="本周重新办理的诉求")


class WeeklyReportDetailOut(WeeklyReportOut):
    figures: WeeklyFiguresOut


class WeeklyReportBuildIn(Input):
    region: str = Field("", pattern=REGION_CHOICE, description="区划代码；空：本人所在区划")
    week_end: IsoDate = Field(..., description=f"统计周截止的周五（已开始的周；{_DAYS}）")
