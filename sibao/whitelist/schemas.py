"""The whitelist API's input and output shapes (WL-2…WL-9, OR-5). Amounts are decimals, sent as strings."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from sibao.core.api_types import (
    NOT_BLANK,
    Id,
    Input,
    IsoDate,
    Patch,
    RegionCode,
    filled_text,
    optional_text,
    required_text,
)
from sibao.core.sectors import Sector
from sibao.core.workflow import history
from sibao.enterprises.models import ServiceLevel
from sibao.enterprises.schemas import EnterpriseRef, RegionRef
from sibao.whitelist.models import (
    ApplicationState,
    AttachmentKind,
    CriteriaStatus,
    RemovalReason,
    RemovalState,
    SpotCheckResult,
)
from sibao.whitelist.workflows import APPLICATION

# Aggregated amounts and percentages with two places on every database (SQLite's sums lose the scale).
Amount = Annotated[Decimal, AfterValidator(lambda value: value.quantize(Decimal("0.01")))]


# --- WL-2: criteria ------------------------------------------------------------------------------


class CriteriaOut(Schema):
    id: int
    region: RegionRef
    sector: Sector
    title: str
    rule: dict[str, Any]
    status: CriteriaStatus
    source: str
    published_at: datetime | None
    updated_at: datetime


class CriteriaIn(Input):
    region_code: RegionCode = Field(..., description="发布标准的区划代码（本部门所在区划）")
    sector: Sector
    title: str = required_text(128)
    rule: dict[str, Any] = Field(
        ..., description="条件规则：{all|any|none: [...]} 或 {field, op, value, label}；字段与运算符见 core.rules"
    )
    source: str = optional_text(128)


class CriteriaMatchesOut(Schema):
    criteria_id: int
    count: int
    sample: list[EnterpriseRef]


# --- WL-3/WL-4: applications ---------------------------------------------------------------------


class ApplicationIn(Input):
    contact_name: str = required_text(64)
    contact_phone: str = required_text(32)
    statement: str = required_text(2000)
    measures: str = required_text(2000)


class ApplicationPatch(Patch):
    """Only the fields sent are changed."""

    contact_name: str | None = filled_text(64)
    contact_phone: str | None = filled_text(32)
    statement: str | None = filled_text(2000)
    measures: str | None = filled_text(2000)


class ApplicationOut(Schema):
    """A row of the review queue (no contact phone: personal data stays out of lists, X-3)."""

    id: int
    enterprise: EnterpriseRef
    region: RegionRef
    sector: Sector
    service_level: ServiceLevel
    state: ApplicationState
    priority: bool
    priority_reason: str
    precheck_passed: bool | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj.enterprise.region


class CriteriaRef(Schema):
    id: int
    title: str


class ApplicationAttachmentOut(Schema):
    id: int
    kind: AttachmentKind
    original_name: str
    size: int
    uploaded_at: datetime


class HistoryOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None
    reason: str
    at: datetime

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.label)


class ApplicationDetailOut(ApplicationOut):
    contact_name: str
    contact_phone: str
    statement: str
    measures: str
    decision_reason: str
    criteria: CriteriaRef | None
    precheck: dict[str, Any] | None = Field(None, description="自动预审：与规则同构的条件树，每项含 passed/wanted")
    attachments: list[ApplicationAttachmentOut]
    history: list[HistoryOut]
    actions: list[ActionOut] = Field(..., description="调用者现在可执行的操作")

    @staticmethod
    def resolve_attachments(obj: Any) -> Any:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_history(obj: Any) -> Any:
        return list(history(obj))

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> Any:
        return APPLICATION.available(obj, context["request"].user)


class ReasonIn(Input):
    reason: str = optional_text(2000)


class RequiredReasonIn(Input):
    reason: str = required_text(2000, description="理由（必填）")


# --- WL-5: batches and listings, WL-9: status ----------------------------------------------------


class BatchOut(Schema):
    id: int
    region: RegionRef
    number: int
    published_at: datetime
    note: str
    listing_count: int


class BatchIn(Input):
    application_ids: list[Id] = Field(..., min_length=1, max_length=500, json_schema_extra={"uniqueItems": True})
    note: str = optional_text(255)


class BatchRef(Schema):
    id: int
    number: int
    region: RegionRef
    published_at: datetime


class ListingOut(Schema):
    id: int
    enterprise: EnterpriseRef
    region: RegionRef
    sector: Sector
    service_level: ServiceLevel
    listed_at: datetime
    batch: BatchRef
    removed_at: datetime | None
    removal_reason: RemovalReason | None
    removal_note: str

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj.enterprise.region

    @staticmethod
    def resolve_removal_reason(obj: Any) -> str | None:
        return obj.removal_reason or None


class SpotCheckOut(Schema):
    id: int
    listing_id: int
    checked_on: date
    inspectors: str
    result: SpotCheckResult
    findings: str
    recorded_at: datetime


class RemovalOut(Schema):
    id: int
    listing_id: int
    enterprise: EnterpriseRef
    spot_check_id: int | None
    reason: RemovalReason
    details: str
    state: RemovalState
    proposed_at: datetime

    @staticmethod
    def resolve_enterprise(obj: Any) -> Any:
        return obj.listing.enterprise


class ListingDetailOut(ListingOut):
    spot_checks: list[SpotCheckOut]
    removals: list[RemovalOut]

    @staticmethod
    def resolve_spot_checks(obj: Any) -> Any:
        return list(obj.spot_checks.all())

    @staticmethod
    def resolve_removals(obj: Any) -> Any:
        return list(obj.removals.select_related("listing__enterprise").order_by("-proposed_at", "-pk"))


class BenefitOut(Schema):
    key: str
    label: str
    basis: str = Field(description="依据（种子文件与条款）")
    explain: str
    state: str = Field(description="本企业当前情况（如今日有效通行证张数）；无可统计时为空")


class ListingStatusOut(Schema):
    """WL-9: what the rest of the platform asks before granting a whitelist benefit, and what listing grants."""

    enterprise_id: int
    listed: bool
    since: datetime | None
    level: ServiceLevel | None
    batch: BatchRef | None
    benefits: list[BenefitOut] = Field(description="白名单企业享有的保障（仅在名单内时）")


class SpotCheckIn(Input):
    checked_on: IsoDate = Field(..., description="抽查日期（不晚于今天）")
    inspectors: str = required_text(255)
    result: SpotCheckResult
    findings: str = optional_text(2000, description="结果不是“措施落实到位”时必填")

    model_config = ConfigDict(
        json_schema_extra={
            # WL-8: a check that found problems says what they were.
            "if": {"properties": {"result": {"not": {"const": SpotCheckResult.PASSED.value}}}},
            "then": {"properties": {"findings": {"pattern": NOT_BLANK}}, "required": ["findings"]},
        }
    )


class RemovalIn(Input):
    reason: RemovalReason
    details: str = required_text(2000, description="移出的事实情况")
    spot_check_id: Id | None = None


# --- WL-6: coverage, WL-5: targets ---------------------------------------------------------------


class GapOut(Schema):
    enterprise: EnterpriseRef
    region: RegionRef
    value: Amount
    coverage_after: Amount | None
    closes_gap: bool

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj["enterprise"].region


class SectorCoverageOut(Schema):
    sector: Sector
    label: str
    total: Amount
    listed: Amount
    percent: Amount
    target_percent: Amount
    meets_target: bool
    shortfall: Amount
    enterprise_count: int
    listed_count: int
    gap: list[GapOut] = Field(..., description="未入选企业按产值（项目按投资）从大到小，及逐个列入后的覆盖率")


class WhitelistCoverageOut(Schema):
    region: RegionRef
    sectors: list[SectorCoverageOut]


class WarningsOut(Schema):
    region: RegionRef
    warnings: list[str]


# --- OR-5: liaison -------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str
    post: str


class UnitRef(Schema):
    id: int
    name: str


class LiaisonOut(Schema):
    enterprise: EnterpriseRef
    region: RegionRef
    liaison_cadre: PersonRef | None
    epidemic_officer: PersonRef | None
    medical_institution: UnitRef | None

    @staticmethod
    def resolve_region(obj: Any) -> Any:
        return obj.enterprise.region


class LiaisonGapOut(Schema):
    enterprise: EnterpriseRef
    region: RegionRef
    liaison_cadre: PersonRef | None
    epidemic_officer: PersonRef | None
    medical_institution: UnitRef | None

    @staticmethod
    def resolve_enterprise(obj: Any) -> Any:
        return obj

    @staticmethod
    def resolve_liaison_cadre(obj: Any) -> Any:
        liaison = getattr(obj, "liaison", None)
        return liaison.liaison_cadre if liaison else None

    @staticmethod
    def resolve_epidemic_officer(obj: Any) -> Any:
        liaison = getattr(obj, "liaison", None)
        return liaison.epidemic_officer if liaison else None

    @staticmethod
    def resolve_medical_institution(obj: Any) -> Any:
        liaison = getattr(obj, "liaison", None)
        return liaison.medical_institution if liaison else None


class LiaisonIn(Input):
    """The whole assignment: a field left out or null clears it."""

    liaison_cadre_id: Id | None = None
    epidemic_officer_id: Id | None = None
    medical_institution_id: Id | None = None


# --- DB-5: what the public pages publish, without logging in ---------------------------------------------


class PublicListingOut(Schema):
    batch: str
    batch_region: str
    published_on: date
    enterprise: str
    uscc: str
    sector: str
    sector_label: str
    place: str
    removed: bool
    removed_on: date | None
    removal_reason: str


class RuleNodeOut(Schema):
    label: str
    group: str | None = None  # "all", "any" or "none" for a group of conditions; None for one condition
    meaning: str = ""
    children: list["RuleNodeOut"] = []


class PublicCriteriaOut(Schema):
    region_code: str
    region_name: str
    sector: str
    sector_label: str
    title: str
    source: str
    published_on: date | None
    rule: RuleNodeOut
