"""The shapes of the policy API (X-5)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from sibao.core.api_types import Id


class ConsultantOut(Schema):
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
    state: str
    reserve: bool
    reserve_note: str
    consultant: ConsultantOut | None
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
    consultant: ConsultantOut | None


class PolicyIn(Schema):
    """A new policy (a draft, or a reserve policy with ``reserve``). ``region``: the code where it applies
    (empty: the caller's region)."""

    title: str = Field(..., min_length=1, max_length=200)
    issuing_body: str = Field(..., min_length=1, max_length=128)
    level: str
    category: str
    document_number: str = Field("", max_length=64)
    region: str = Field("", max_length=12)
    sectors: list[str] = []
    summary: str = Field("", max_length=10000)
    how_to_apply: str = Field("", max_length=10000)
    full_text: str = Field("", max_length=200000)
    link: str = Field("", max_length=200)
    source: str = Field("", max_length=128)
    valid_from: date | None = None
    valid_until: date | None = None
    eligibility: dict[str, Any]
    formula: dict[str, Any] = {}
    reserve: bool = False
    reserve_note: str = Field("", max_length=200)


class PolicyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    issuing_body: str | None = Field(None, min_length=1, max_length=128)
    level: str | None = None
    category: str | None = None
    document_number: str | None = Field(None, max_length=64)
    sectors: list[str] | None = None
    summary: str | None = Field(None, max_length=10000)
    how_to_apply: str | None = Field(None, max_length=10000)
    full_text: str | None = Field(None, max_length=200000)
    link: str | None = Field(None, max_length=200)
    valid_from: date | None = None
    valid_until: date | None = None
    eligibility: dict[str, Any] | None = None
    formula: dict[str, Any] | None = None
    reserve: bool | None = None
    reserve_note: str | None = Field(None, max_length=200)


class FunnelOut(Schema):
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
    funnel: FunnelOut


class ConditionOut(Schema):
    label: str
    passed: bool
    wanted: bool
    group: str | None = None
    field: str | None = None
    actual: Any = None
    children: list["ConditionOut"] = []


class StepOut(Schema):
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
    state: str
    eligible: bool
    estimated_amount: Decimal | None
    approved_amount: Decimal | None
    redeemed_amount: Decimal | None
    decline_reason: str
    matched_at: datetime
    applied_at: datetime | None


class MatchDetailOut(MatchOut):
    qualifies: bool
    conditions: ConditionOut | None
    steps: list[StepOut]


class ApplyIn(Schema):
    note: str = Field("", max_length=2000)


class ApproveIn(Schema):
    amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    note: str = Field("", max_length=2000)


class RedeemIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)


class DeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class FactsIn(Schema):
    data_year: int | None = Field(None, ge=2000, le=2100)
    ui_insured: bool | None = None
    ui_contributions: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    layoff_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    booth_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    tax_hardship: bool | None = None
    tax_deferral_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    tax_deferral_months: int | None = Field(None, ge=0, le=36)
    logistics_vehicles: int | None = Field(None, ge=0, le=100000)
    monthly_toll: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class FactsOut(Schema):
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


class RunOut(Schema):
    id: int
    policy_id: int | None
    status: str
    progress: int
    matched: int
    added: int
    removed: int
    error: str
    finished_at: datetime | None


class NeedIn(Schema):
    common_issue: Id
    note: str = Field("", max_length=255)


class NeedOut(Schema):
    id: int
    policy_id: int
    common_issue_id: int
    common_issue_title: str
    note: str
