"""The shapes of the policy API (X-5)."""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from sibao.core.api_types import Amount, Id, Input, IsoDate, Patch, filled_text, optional_text, required_text
from sibao.core.sectors import Sector
from sibao.policies.models import MatchRunStatus, MatchState, PolicyCategory, PolicyLevel, PolicyState
from sibao.policies.services import MAX_AMOUNT

# What the services accept (``services._policy_values`` and ``_amount``), stated so a client knows before sending.
LINK = r"^(https?://[^\x00]*)?$"
_RATE = r"(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)"


def _rate(value: Any) -> Any:
    # A JSON number is rounded to 0.01 % (as ``Amount`` rounds to the fen); a string must be written that way.
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Input should be a percentage")
    if isinstance(value, int | float):
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if isinstance(value, Decimal) or (isinstance(value, str) and re.fullmatch(_RATE, value)):
        return value
    raise PydanticCustomError("decimal_type", "Input should be a percentage: a number or a string like 4.5")


# A percentage from 0 to 100 (the layoff rate), to 0.01 %.
Percentage = Annotated[
    Decimal,
    BeforeValidator(_rate),
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"type": "string", "pattern": f"^{_RATE}$"}]}
    ),
]
# An amount granted or paid: above 0 and below ``MAX_AMOUNT``, to the fen, as a JSON number or a decimal string
# (the kernel's ``Amount``, which allows 0).
PaidAmount = Annotated[
    Amount,
    Field(gt=0, lt=MAX_AMOUNT),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0.01, "maximum": 999_999_999_999},
                {"type": "string", "pattern": r"^([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"},
            ]
        }
    ),
]


class PolicyConsultantOut(Schema):
    name: str
    phone: str


class PolicyOut(Schema):
    id: int
    title: str
    document_number: str
    issuing_body: str
    level: str
    region: str  # the region code it applies in
    region_name: str
    category: str
    sectors: list[str]
    summary: str
    how_to_apply: str
    link: str
    source: str
    valid_from: date | None
    valid_until: date | None
    state: PolicyState
    reserve: bool
    reserve_note: str
    consultant: PolicyConsultantOut | None
    eligibility: dict[str, Any]
    formula: dict[str, Any]
    published_at: datetime | None


class PublicPolicyOut(Schema):
    id: int
    title: str
    document_number: str
    issuing_body: str
    level: str
    region_name: str
    category: str
    summary: str
    how_to_apply: str
    link: str
    valid_from: date | None
    valid_until: date | None
    consultant: PolicyConsultantOut | None


class PolicyIn(Input):
    """A new policy (a draft, or a reserve policy with ``reserve``). ``region``: the code where it applies
    (empty: the caller's region). ``eligibility`` is a rule of ``core.rules`` and ``formula`` a benefit formula
    (``policies.formulas``); both are checked on save and refused with the reason (422/400)."""

    title: str = required_text(200)
    issuing_body: str = required_text(128)
    level: PolicyLevel
    category: PolicyCategory
    document_number: str = optional_text(64)
    region: str = Field(
        "", pattern=r"^([0-9]{6}([0-9]{3})?)?$", description="县（6位）或乡镇（9位）区划代码；空：本人所在区划"
    )
    sectors: list[Sector] = []
    summary: str = optional_text(10000)
    how_to_apply: str = optional_text(10000)
    full_text: str = optional_text(200000)
    link: str = Field("", max_length=200, pattern=LINK, description="http:// 或 https:// 开头（可空）")
    source: str = optional_text(128)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    eligibility: dict[str, Any]
    formula: dict[str, Any] = {}
    reserve: bool = False
    reserve_note: str = optional_text(200)


class PolicyPatch(Patch):
    title: str | None = filled_text(200)
    issuing_body: str | None = filled_text(128)
    level: PolicyLevel | None = None
    category: PolicyCategory | None = None
    document_number: str | None = optional_text(64, default=None)
    sectors: list[Sector] | None = None
    summary: str | None = optional_text(10000, default=None)
    how_to_apply: str | None = optional_text(10000, default=None)
    full_text: str | None = optional_text(200000, default=None)
    link: str | None = Field(None, max_length=200, pattern=LINK, description="http:// 或 https:// 开头（可空）")
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    eligibility: dict[str, Any] | None = None
    formula: dict[str, Any] | None = None
    reserve: bool | None = None
    reserve_note: str | None = optional_text(200, default=None)


class FunnelFiguresOut(Schema):
    matched: int
    pushed: int
    seen: int
    applied: int
    approved: int
    redeemed: int
    declined: int
    estimated_amount: Decimal
    redeemed_amount: Decimal
    rate: Decimal | None  # 应享尽享: redeemed / matched, %


class PolicyFunnelOut(Schema):
    policy_id: int
    title: str
    funnel: FunnelFiguresOut


class MatchConditionOut(Schema):
    label: str
    passed: bool
    wanted: bool
    group: str | None = None
    field: str | None = None
    actual: Any = None
    children: list["MatchConditionOut"] = []


class FormulaStepOut(Schema):
    name: str
    label: str
    expr: str
    shown: str
    value: Decimal | None


class MatchOut(Schema):
    id: int
    policy_id: int
    policy_title: str
    enterprise_id: int
    enterprise_name: str
    state: MatchState
    eligible: bool
    estimated_amount: Decimal | None
    approved_amount: Decimal | None
    redeemed_amount: Decimal | None
    decline_reason: str
    matched_at: datetime
    applied_at: datetime | None


class MatchDetailOut(MatchOut):
    qualifies: bool
    conditions: MatchConditionOut | None
    steps: list[FormulaStepOut]


class MatchApplyIn(Input):
    note: str = optional_text(2000)


class MatchApproveIn(Input):
    amount: PaidAmount | None = Field(None, description="空：按估算金额")
    note: str = optional_text(2000)


class MatchRedeemIn(Input):
    amount: PaidAmount


class MatchDeclineIn(Input):
    reason: str = required_text(2000)


class EnterpriseFactsIn(Input):
    data_year: int | None = Field(None, ge=2000, le=2100)
    ui_insured: bool | None = None
    ui_contributions: Amount | None = None
    layoff_rate: Percentage | None = None
    booth_cost: Amount | None = None
    tax_hardship: bool | None = None
    tax_deferral_amount: Amount | None = None
    tax_deferral_months: int | None = Field(None, ge=0, le=36)
    logistics_vehicles: int | None = Field(None, ge=0, le=100000)
    monthly_toll: Amount | None = None


class EnterpriseFactsOut(Schema):
    enterprise_id: int
    data_year: int | None
    ui_insured: bool
    ui_contributions: Decimal
    layoff_rate: Decimal
    booth_cost: Decimal
    tax_hardship: bool
    tax_deferral_amount: Decimal
    tax_deferral_months: int
    logistics_vehicles: int
    monthly_toll: Decimal


class MatchRunOut(Schema):
    id: int
    policy_id: int | None
    status: MatchRunStatus
    progress: int
    matched: int
    added: int
    removed: int
    error: str
    finished_at: datetime | None


class PolicyNeedIn(Input):
    common_issue: Id
    note: str = optional_text(255)


class PolicyNeedOut(Schema):
    id: int
    policy_id: int
    common_issue_id: int
    common_issue_title: str
    note: str
