"""Whitelist endpoints (X-5 over WL-2…WL-9, OR-5): the same services and selectors as the pages, same scope.

Object endpoints look the object up in the caller's scope first (outside it: 404), then check the
capability (403); services refuse a wrong state with 409 and a stable code.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset, SummaryPage
from sibao.core.api_types import DOC, DOCX, JPEG, PDF, PNG, Id, Input, download, optional_text, uploads
from sibao.core.benefits import benefit_rows
from sibao.core.errors import StateRefused
from sibao.core.roles import Capability
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise, ServiceLevel
from sibao.organisation.models import Liaison, Person, Unit, UnitKind
from sibao.regions.models import Region
from sibao.regions.selectors import region_for_reader
from sibao.whitelist import selectors, services
from sibao.whitelist.models import (
    Application,
    ApplicationState,
    AttachmentKind,
    Batch,
    Criteria,
    CriteriaStatus,
    Listing,
    ListingQuerySet,
    Removal,
    RemovalQuerySet,
    RemovalState,
)
from sibao.whitelist.schemas import (
    ApplicationAttachmentOut,
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    BatchIn,
    BatchOut,
    CriteriaIn,
    CriteriaMatchesOut,
    CriteriaOut,
    LiaisonGapOut,
    LiaisonIn,
    LiaisonOut,
    ListingDetailOut,
    ListingOut,
    ListingStatusOut,
    PublicCriteriaOut,
    PublicListingOut,
    ReasonIn,
    RemovalIn,
    RemovalOut,
    RequiredReasonIn,
    SpotCheckIn,
    SpotCheckOut,
    WarningsOut,
    WhitelistCoverageOut,
)

router = Router(tags=["whitelist"])


def _region(request: AuthenticatedRequest, code: str) -> Region:
    return region_for_reader(request.user, code)


# --- WL-2: criteria ------------------------------------------------------------------------------


class CriteriaFilters(Input):
    region_code: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    status: CriteriaStatus = CriteriaStatus.PUBLISHED


def _criteria_readable(request: AuthenticatedRequest) -> QuerySet[Criteria]:
    # WL-2: published criteria are public (统一标准); drafts and retired ones only inside the caller's scope.
    return Criteria.objects.filter(
        Q(status=CriteriaStatus.PUBLISHED) | Q(pk__in=Criteria.objects.visible_to(request.user).values("pk"))
    ).select_related("region")


def _criteria(request: AuthenticatedRequest, criteria_id: Id, *, to_change: bool = False) -> Criteria:
    queryset = Criteria.objects.visible_to(request.user) if to_change else _criteria_readable(request)
    criteria = queryset.select_related("region").filter(pk=criteria_id).first()
    if criteria is None:
        raise Http404
    return criteria


@router.get("/criteria", response=responses({200: list[CriteriaOut]}), summary="Selection criteria")
@paginate(BoundedLimitOffset)
def list_criteria(request: AuthenticatedRequest, filters: Query[CriteriaFilters]) -> Any:
    """Published criteria by default. With ``region_code``: the criteria of that region and of the regions
    above it, i.e. those that may apply there (per sector the nearest published one is in force)."""
    queryset = _criteria_readable(request).filter(status=filters.status)
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        if region is None:
            raise Http404
        queryset = queryset.filter(region__code__in=region.ancestor_codes())
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    return queryset.order_by("region__path", "sector", "-pk")


@router.post("/criteria", response=responses({201: CriteriaOut}), summary="Save new draft criteria")
def create_criteria(request: AuthenticatedRequest, payload: CriteriaIn) -> Any:
    require(request, Capability.WHITELIST_CRITERIA)
    criteria = services.criteria_save(
        actor=request.user,
        region=_region(request, payload.region_code),
        sector=payload.sector,
        title=payload.title,
        rule=payload.rule,
        source=payload.source,
    )
    return Status(201, criteria)


@router.get("/criteria/{int:criteria_id}", response=responses({200: CriteriaOut}), summary="One set of criteria")
def get_criteria(request: AuthenticatedRequest, criteria_id: Id) -> Any:
    return _criteria(request, criteria_id)


@router.put(
    "/criteria/{int:criteria_id}",
    response=responses({200: CriteriaOut}),
    summary="Change draft criteria (a published one is copied into a new draft)",
)
def update_criteria(request: AuthenticatedRequest, criteria_id: Id, payload: CriteriaIn) -> Any:
    criteria = _criteria(request, criteria_id, to_change=True)
    require(request, Capability.WHITELIST_CRITERIA)
    if payload.region_code != criteria.region.code or payload.sector != criteria.sector:
        raise StateRefused(
            "whitelist.criteria.moved",
            _("Criteria keep their region and sector; save new criteria instead."),
            field="region_code" if payload.region_code != criteria.region.code else "sector",
        )
    return services.criteria_save(
        actor=request.user,
        region=criteria.region,
        sector=criteria.sector,
        title=payload.title,
        rule=payload.rule,
        source=payload.source,
        criteria=criteria,
    )


@router.post(
    "/criteria/{int:criteria_id}/publish",
    response=responses({200: CriteriaOut}),
    summary="Publish draft criteria (replaces the published ones of its region and sector)",
)
def publish_criteria(request: AuthenticatedRequest, criteria_id: Id) -> Any:
    criteria = _criteria(request, criteria_id, to_change=True)
    return services.criteria_publish(actor=request.user, criteria=criteria)


class MatchesQuery(Input):
    limit: int = Field(20, ge=0, le=100, description="样本条数")


@router.get(
    "/criteria/{int:criteria_id}/matches",
    response=responses({200: CriteriaMatchesOut}),
    summary="Enterprises in scope that meet the criteria (count and a sample)",
)
def criteria_matches(request: AuthenticatedRequest, criteria_id: Id, query: Query[MatchesQuery]) -> Any:
    criteria = _criteria(request, criteria_id)
    require(request, Capability.WHITELIST_VIEW)
    matches = services.criteria_matches(criteria).filter(
        pk__in=Enterprise.objects.visible_to(request.user).values("pk")
    )
    return {
        "criteria_id": criteria.pk,
        "count": matches.count(),
        "sample": list(matches.order_by("name", "pk")[: query.limit]),
    }


# --- WL-3/WL-4: applications ---------------------------------------------------------------------


class ApplicationFilters(Input):
    state: ApplicationState | None = None
    sector: Sector | None = None
    region_code: str = optional_text(12, description="区划代码（含下级）")
    priority: bool | None = None


def _application(request: AuthenticatedRequest, application_id: Id) -> Application:
    return Application.objects.select_related(  # type: ignore[no-any-return]
        "enterprise", "enterprise__region", "criteria"
    ).get_visible(request.user, pk=application_id)


@router.get(
    "/applications", response=responses({200: list[ApplicationOut]}), summary="Applications in scope, priority first"
)
@paginate(BoundedLimitOffset)
def list_applications(request: AuthenticatedRequest, filters: Query[ApplicationFilters]) -> Any:
    require(request, Capability.WHITELIST_VIEW, Capability.WHITELIST_APPLY)
    queryset = selectors.applications_for(request.user)
    if filters.region_code:
        queryset = queryset.filter(enterprise__region__path__startswith=_region(request, filters.region_code).path)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    if filters.priority is not None:
        queryset = queryset.filter(priority=filters.priority)
    return queryset


@router.post(
    "/applications",
    response=responses({201: ApplicationDetailOut}),
    summary="Start the caller's enterprise's application",
)
def start_application(request: AuthenticatedRequest, payload: ApplicationIn) -> Any:
    application = services.application_start(actor=request.user, data=payload.dict())
    return Status(201, application)


@router.get(
    "/applications/{int:application_id}",
    response=responses({200: ApplicationDetailOut}),
    summary="One application with its pre-check, attachments, history and the caller's possible actions",
)
def get_application(request: AuthenticatedRequest, application_id: Id) -> Any:
    return _application(request, application_id)


@router.patch(
    "/applications/{int:application_id}",
    response=responses({200: ApplicationDetailOut}),
    summary="Change a draft or returned application",
)
def update_application(request: AuthenticatedRequest, application_id: Id, payload: ApplicationPatch) -> Any:
    application = _application(request, application_id)
    require(request, Capability.WHITELIST_APPLY)
    data = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
    data |= payload.dict(exclude_unset=True)
    return services.application_update(actor=request.user, application=application, data=data)


@router.post(
    "/applications/{int:application_id}/attachments",
    response=responses({201: ApplicationAttachmentOut}),
    summary="Attach a file (PDF, JPG, PNG, DOC, DOCX); a new application form or commitment replaces the old",
    openapi_extra=uploads(file=(PDF, JPEG, PNG, DOC, DOCX)),
)
def add_attachment(
    request: AuthenticatedRequest, application_id: Id, kind: Form[AttachmentKind], file: File[UploadedFile]
) -> Any:
    application = _application(request, application_id)
    require(request, Capability.WHITELIST_APPLY)
    attachment = services.attachment_add(actor=request.user, application=application, kind=kind, upload=file)
    return Status(201, attachment)


@router.get(
    "/applications/{int:application_id}/attachments/{int:attachment_id}",
    response=responses({200: None}),
    summary="Download an attachment",
    openapi_extra=download("*/*"),
)
def download_attachment(request: AuthenticatedRequest, application_id: Id, attachment_id: Id) -> FileResponse:
    application = _application(request, application_id)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@router.post(
    "/applications/{int:application_id}/submit",
    response=responses({200: ApplicationDetailOut}),
    summary="Submit for review (both required attachments first)",
)
def submit_application(request: AuthenticatedRequest, application_id: Id) -> Any:
    application = _application(request, application_id)
    require(request, Capability.WHITELIST_APPLY)
    return services.application_submit(actor=request.user, application=application)


# One endpoint per review action, each with the body it reads (WL-4): returning or rejecting needs a reason.
APPLICATION_ACTIONS: dict[str, tuple[type[Input], str, str]] = {
    "township_pass": (ReasonIn, Capability.WHITELIST_REVIEW, "The township passes its first check"),
    "township_return": (RequiredReasonIn, Capability.WHITELIST_REVIEW, "The township returns it for correction"),
    "approve": (ReasonIn, Capability.WHITELIST_REVIEW, "The sector department approves"),
    "reject": (RequiredReasonIn, Capability.WHITELIST_REVIEW, "The sector department rejects, with the reason"),
    "return": (RequiredReasonIn, Capability.WHITELIST_REVIEW, "The sector department returns it for correction"),
    "withdraw": (ReasonIn, Capability.WHITELIST_APPLY, "The enterprise withdraws its application"),
}


def _application_action(action: str, body: type[Input], capability: str, summary: str) -> None:
    def act(request: AuthenticatedRequest, application_id: Id, payload: Any) -> Any:
        application = _application(request, application_id)
        require(request, capability)
        return services.application_act(
            actor=request.user, application=application, action=action, reason=payload.reason
        )

    act.__name__ = f"application_{action}"
    act.__annotations__["payload"] = body  # ninja reads the body schema from the signature
    router.post(
        f"/applications/{{int:application_id}}/actions/{action}",
        response=responses({200: ApplicationDetailOut}),
        summary=summary,
        operation_id=f"sibao_whitelist_api_application_{action}",
    )(act)


for _action, (_body, _capability, _summary) in APPLICATION_ACTIONS.items():
    _application_action(_action, _body, _capability, _summary)


# --- WL-5: batches and listings, WL-9: status ----------------------------------------------------


class BatchFilters(Input):
    region_code: str = optional_text(12, description="区划代码（含下级）")


def _batches(request: AuthenticatedRequest) -> QuerySet[Batch]:
    return (
        Batch.objects.visible_to(request.user)
        .select_related("region")
        .annotate(listing_count=Count("listings"))
        .order_by("-published_at", "-pk")
    )


@router.get("/batches", response=responses({200: list[BatchOut]}), summary="Published batches in scope, newest first")
@paginate(BoundedLimitOffset)
def list_batches(request: AuthenticatedRequest, filters: Query[BatchFilters]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    queryset = _batches(request)
    if filters.region_code:
        queryset = queryset.filter(region__path__startswith=_region(request, filters.region_code).path)
    return queryset


@router.post(
    "/batches",
    response=responses({201: BatchOut}),
    summary="Publish approved applications as the next batch (HQ office)",
)
def publish_batch(request: AuthenticatedRequest, payload: BatchIn) -> Any:
    require(request, Capability.WHITELIST_PUBLISH)
    wanted = set(payload.application_ids)
    applications = list(Application.objects.visible_to(request.user).filter(pk__in=wanted).order_by("pk"))
    if len(applications) != len(wanted):
        raise Http404
    batch = services.batch_publish(actor=request.user, applications=applications, note=payload.note)
    return Status(201, _batches(request).get(pk=batch.pk))


class ListingFilters(Input):
    region_code: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    service_level: ServiceLevel | None = None
    batch_id: int | None = Field(None, ge=1, le=2**63 - 1)
    current: bool = Field(True, description="true：当前在白名单；false：已移出（熔断）的")


def _listings() -> ListingQuerySet:
    return Listing.objects.select_related("enterprise", "enterprise__region", "batch", "batch__region")


@router.get("/listings", response=responses({200: list[ListingOut]}), summary="Whitelisted enterprises in scope")
@paginate(BoundedLimitOffset)
def list_listings(request: AuthenticatedRequest, filters: Query[ListingFilters]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    queryset = _listings().visible_to(request.user).filter(removed_at__isnull=filters.current)
    if filters.region_code:
        queryset = queryset.filter(enterprise__region__path__startswith=_region(request, filters.region_code).path)
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    if filters.service_level:
        queryset = queryset.filter(service_level=filters.service_level)
    if filters.batch_id:
        queryset = queryset.filter(batch_id=filters.batch_id)
    return queryset.order_by("-listed_at", "-pk")


@router.get(
    "/listings/{int:listing_id}",
    response=responses({200: ListingDetailOut}),
    summary="One listing with its spot checks and removal proposals",
)
def get_listing(request: AuthenticatedRequest, listing_id: Id) -> Any:
    listing = _listings().get_visible(request.user, pk=listing_id)
    require(request, Capability.WHITELIST_VIEW)
    return listing


@router.get(
    "/enterprises/{int:enterprise_id}/status",
    response=responses({200: ListingStatusOut}),
    summary="WL-9: is the enterprise whitelisted now, since when, at which level, in which batch",
)
def enterprise_status(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    enterprise = Enterprise.objects.get_visible(request.user, pk=enterprise_id)
    status = selectors.listing_status(enterprise)
    return {
        "enterprise_id": enterprise.pk,
        "listed": status.listed,
        "since": status.since,
        "level": status.level,
        "batch": status.batch,
        "benefits": [
            {
                "key": row.benefit.key,
                "label": str(row.benefit.label),
                "basis": row.benefit.basis,
                "explain": str(row.benefit.explain),
                "state": row.state,
            }
            for row in (benefit_rows(enterprise) if status.listed else [])
        ],
    }


# --- WL-6: coverage, WL-5: targets ---------------------------------------------------------------


class CoverageQuery(Input):
    region_code: str = optional_text(12, description="区划代码（含下级）")
    sector: Sector | None = None
    gap_limit: int = Field(20, ge=0, le=100, description="每个行业列出的缺口企业数")


@router.get(
    "/coverage",
    response=responses({200: WhitelistCoverageOut}),
    summary="WL-6: per sector Σ value listed ÷ Σ value of all, and the enterprises that close the gap fastest",
)
def get_coverage(request: AuthenticatedRequest, query: Query[CoverageQuery]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    region = _region(request, query.region_code)
    own_sector = getattr(request.user, "sector", "")
    # A sector department's scope is its own sector: the gap list would otherwise name other sectors' firms.
    if own_sector and query.sector and query.sector != own_sector:
        raise Http404
    sector = own_sector or query.sector
    sectors = selectors.coverage(region, sectors=[sector] if sector else None, gap_limit=query.gap_limit)
    return {"region": region, "sectors": sectors}


class RegionQuery(Input):
    region_code: str = optional_text(12, description="区划代码（含下级）")


@router.get(
    "/warnings",
    response=responses({200: WarningsOut}),
    summary="WL-5: warnings when the region is behind its first-batch or coverage target",
)
def get_warnings(request: AuthenticatedRequest, query: Query[RegionQuery]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    region = _region(request, query.region_code)
    return {"region": region, "warnings": selectors.target_warnings(region)}


# --- WL-8: spot checks and removal ---------------------------------------------------------------


@router.post(
    "/listings/{int:listing_id}/spot-checks",
    response=responses({201: SpotCheckOut}),
    summary="Record a spot check of a listed enterprise's epidemic measures",
)
def record_spot_check(request: AuthenticatedRequest, listing_id: Id, payload: SpotCheckIn) -> Any:
    listing = _listings().get_visible(request.user, pk=listing_id)
    with refusals(conflict={"whitelist.spot_check.not_listed"}):
        check = services.spot_check_record(
            actor=request.user,
            listing=listing,
            checked_on=payload.checked_on,
            inspectors=payload.inspectors,
            result=payload.result,
            findings=payload.findings,
        )
    return Status(201, check)


@router.post(
    "/listings/{int:listing_id}/removals",
    response=responses({201: RemovalOut}),
    summary="Propose taking the enterprise off the whitelist (熔断); the HQ office decides",
)
def propose_removal(request: AuthenticatedRequest, listing_id: Id, payload: RemovalIn) -> Any:
    listing = _listings().get_visible(request.user, pk=listing_id)
    spot_check = None
    if payload.spot_check_id is not None:
        spot_check = listing.spot_checks.filter(pk=payload.spot_check_id).first()
        if spot_check is None:
            raise NotFoundRefused(
                "whitelist.removal.spot_check",
                _("This spot check is not one of this enterprise's."),
                field="spot_check_id",
            )
    removal = services.removal_propose(
        actor=request.user, listing=listing, reason=payload.reason, details=payload.details, spot_check=spot_check
    )
    return Status(201, removal)


class RemovalFilters(Input):
    state: RemovalState | None = None


def _removals() -> RemovalQuerySet:
    return Removal.objects.select_related("listing__enterprise")


@router.get("/removals", response=responses({200: list[RemovalOut]}), summary="Removal proposals in scope")
@paginate(BoundedLimitOffset)
def list_removals(request: AuthenticatedRequest, filters: Query[RemovalFilters]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    queryset = _removals().visible_to(request.user)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    return queryset.order_by("-proposed_at", "-pk")


REMOVAL_ACTIONS: dict[str, tuple[type[Input], str]] = {
    "confirm": (ReasonIn, "The HQ office confirms: the enterprise leaves the whitelist (published)"),
    "decline": (RequiredReasonIn, "The HQ office declines the proposal, with the reason"),
}


def _removal_action(action: str, body: type[Input], summary: str) -> None:
    def act(request: AuthenticatedRequest, removal_id: Id, payload: Any) -> Any:
        removal = _removals().get_visible(request.user, pk=removal_id)
        require(request, Capability.WHITELIST_PUBLISH)
        decided = services.removal_decide(actor=request.user, removal=removal, action=action, reason=payload.reason)
        return _removals().get(pk=decided.pk)

    act.__name__ = f"removal_{action}"
    act.__annotations__["payload"] = body  # ninja reads the body schema from the signature
    router.post(
        f"/removals/{{int:removal_id}}/actions/{action}",
        response=responses({200: RemovalOut}),
        summary=summary,
        operation_id=f"sibao_whitelist_api_removal_{action}",
    )(act)


for _action, (_body, _summary) in REMOVAL_ACTIONS.items():
    _removal_action(_action, _body, _summary)


# --- OR-5: liaison -------------------------------------------------------------------------------


@router.get(
    "/liaison-gaps",
    response=responses({200: list[LiaisonGapOut]}),
    summary="Listed enterprises lacking a liaison cadre, an epidemic officer or a paired medical institution",
)
@paginate(BoundedLimitOffset)
def list_liaison_gaps(request: AuthenticatedRequest, query: Query[RegionQuery]) -> Any:
    require(request, Capability.WHITELIST_VIEW)
    return selectors.liaison_gaps(request.user, _region(request, query.region_code))


def _liaison_out(enterprise: Enterprise) -> Any:
    liaison = Liaison.objects.filter(enterprise=enterprise).select_related(
        "liaison_cadre", "epidemic_officer", "medical_institution"
    )
    found = liaison.first() or Liaison(enterprise=enterprise)
    found.enterprise = enterprise
    return found


@router.get(
    "/enterprises/{int:enterprise_id}/liaison",
    response=responses({200: LiaisonOut}),
    summary="The enterprise's liaison cadre, epidemic officer and medical institution",
)
def get_liaison(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=enterprise_id)
    return _liaison_out(enterprise)


@router.put(
    "/enterprises/{int:enterprise_id}/liaison",
    response=responses({200: LiaisonOut}),
    summary="Assign the liaison cadre, epidemic officer and medical institution (HQ office)",
)
def assign_liaison(request: AuthenticatedRequest, enterprise_id: Id, payload: LiaisonIn) -> Any:
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=enterprise_id)
    require(request, Capability.LIAISON_MANAGE)

    def person(field: str, pk: int | None) -> Person | None:
        found = Person.objects.filter(pk=pk).first() if pk is not None else None
        if pk is not None and found is None:
            raise NotFoundRefused("liaison.person", _("There is no such person."), field=field)
        return found

    institution = None
    if payload.medical_institution_id is not None:
        institution = Unit.objects.filter(pk=payload.medical_institution_id, kind=UnitKind.MEDICAL).first()
        if institution is None:
            raise NotFoundRefused("liaison.medical", _("Choose a medical institution."), field="medical_institution_id")
    # Someone who does not serve the enterprise's county is out of reach for this assignment (404).
    fields = {name: f"{name}_id" for name in ("liaison_cadre", "epidemic_officer", "medical_institution")}
    with refusals(not_found={"liaison.region"}, fields=fields):
        services.liaison_assign(
            actor=request.user,
            enterprise=enterprise,
            liaison_cadre=person("liaison_cadre_id", payload.liaison_cadre_id),
            epidemic_officer=person("epidemic_officer_id", payload.epidemic_officer_id),
            medical_institution=institution,
        )
    return _liaison_out(enterprise)


# --- DB-5: the public pages' data, without logging in (published on purpose, so not scoped to a user) ---------


class PublicRegionQuery(Input):
    region: str = optional_text(12, description="区划代码（含下级）；缺省：全部")


def _public_region(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


@router.get(
    "/public/listings",
    auth=None,
    response=responses({200: list[PublicListingOut]}),
    summary="WL-5 / WL-8: every published listing, current and removed, newest batch first (no login)",
)
@paginate(BoundedLimitOffset)
def public_listings(request: HttpRequest, query: Query[PublicRegionQuery]) -> Any:
    listings = selectors.public_listing_rows(selectors.public_listings(_public_region(query.region)))
    return SummaryPage(rows=listings, render=lambda page: [_public_listing(listing) for listing in page])


def _public_listing(listing: Listing) -> dict[str, Any]:
    removed = listing.removed_at is not None
    return {
        "batch": str(listing.batch),
        "batch_region": listing.batch.region.name,
        "published_on": timezone.localtime(listing.batch.published_at).date(),
        "enterprise": listing.enterprise.name,
        "uscc": listing.enterprise.uscc,
        "sector": listing.sector,
        "sector_label": listing.get_sector_display(),
        "place": selectors.listing_place(listing),
        "removed": removed,
        "removed_on": timezone.localtime(listing.removed_at).date() if listing.removed_at else None,
        "removal_reason": listing.get_removal_reason_display() if removed else "",
    }


@router.get(
    "/public/criteria",
    auth=None,
    response=responses({200: list[PublicCriteriaOut]}),
    summary="WL-2: the published selection criteria, each condition in words; for a region those that apply there",
)
def public_criteria(request: HttpRequest, query: Query[PublicRegionQuery]) -> Any:
    return [
        {
            "region_code": criteria.region.code,
            "region_name": criteria.region.name,
            "sector": criteria.sector,
            "sector_label": criteria.get_sector_display(),
            "title": criteria.title,
            "source": criteria.source,
            "published_on": timezone.localtime(criteria.published_at).date() if criteria.published_at else None,
            "rule": selectors.rule_tree(criteria.rule),
        }
        for criteria in selectors.published_criteria(_public_region(query.region))
    ]
