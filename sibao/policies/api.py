"""PO-1…PO-5 endpoints (X-5): the same selectors and services as the pages, under the same scope (out of scope →
404). Refusals come back as ``{code, message, field}``: wrong state 409, not yours 403, bad input 400/422."""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.api_errors import NotFoundRefused, refusals, require, responses
from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import SPREADSHEETS, Id, Input, uploads
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability
from sibao.enterprises.models import Enterprise
from sibao.policies import selectors, services
from sibao.policies.matching import reasons
from sibao.policies.models import (
    EnterpriseFacts,
    MatchRun,
    MatchState,
    Policy,
    PolicyCategory,
    PolicyMatch,
    PolicyNeed,
    PolicyState,
)
from sibao.policies.schemas import (
    EnterpriseFactsIn,
    EnterpriseFactsOut,
    MatchApplyIn,
    MatchApproveIn,
    MatchDeclineIn,
    MatchDetailOut,
    MatchOut,
    MatchRedeemIn,
    MatchRunOut,
    PolicyFunnelOut,
    PolicyIn,
    PolicyNeedIn,
    PolicyNeedOut,
    PolicyOut,
    PolicyPatch,
    PublicPolicyOut,
)
from sibao.regions.models import Region
from sibao.tickets.models import CommonIssue
from sibao.whitelist.oversight_forms import root_region

router = Router(tags=["policies"])

# A region in the body outside the caller's area is out of reach (404), like an id (issue 8 #10); wrong
# states are the services' ``StateRefused`` (409) already.
UNREACHABLE = {"policies.region.scope"}


def _consultant(policy: Policy) -> dict[str, str] | None:
    person = policy.shown_consultant
    return {"name": person.name, "phone": person.phone} if person else None


def _policy(policy: Policy) -> dict[str, Any]:
    return {
        **{
            name: getattr(policy, name)
            for name in (
                "id",
                "title",
                "document_number",
                "issuing_body",
                "level",
                "category",
                "sectors",
                "summary",
                "how_to_apply",
                "link",
                "source",
                "valid_from",
                "valid_until",
                "state",
                "reserve",
                "reserve_note",
                "eligibility",
                "formula",
                "published_at",
            )
        },
        "region": policy.region.code,
        "region_name": policy.region.name,
        "consultant": _consultant(policy),
    }


def _funnel(funnel: selectors.Funnel) -> dict[str, Any]:
    return {
        **{name: getattr(funnel, name) for name, _count in funnel.stages()},
        "estimated_amount": funnel.estimated_amount,
        "redeemed_amount": funnel.redeemed_amount,
        "rate": funnel.rate,
    }


def _match(match: PolicyMatch) -> dict[str, Any]:
    return {
        "id": match.pk,
        "policy_id": match.policy_id,
        "policy_title": match.policy.title,
        "enterprise_id": match.enterprise_id,
        "enterprise_name": match.enterprise.name,
        **{
            name: getattr(match, name)
            for name in (
                "state",
                "eligible",
                "estimated_amount",
                "approved_amount",
                "redeemed_amount",
                "decline_reason",
                "matched_at",
                "applied_at",
            )
        },
    }


# --- PO-1: the catalogue (public list first: no login) ----------------------------------------------------


@router.get(
    "/public",
    auth=None,
    response=responses({200: list[PublicPolicyOut]}),
    summary="DB-5: published policies and consultants",
)
@paginate(BoundedLimitOffset)
def public_list(request: HttpRequest) -> Any:
    return [
        {
            **{
                name: getattr(policy, name)
                for name in PublicPolicyOut.model_fields
                if name not in ("region_name", "consultant")
            },
            "region_name": policy.region.name,
            "consultant": _consultant(policy),
        }
        for policy in selectors.public_policies()
    ]


class PolicyFilters(Input):
    state: PolicyState | None = None
    category: PolicyCategory | None = None
    reserve: bool | None = Field(None, description="true：仅政策储备；false：不含储备")


@router.get("", response=responses({200: list[PolicyOut]}), summary="PO-1: policies in scope")
@paginate(BoundedLimitOffset)
def list_policies(request: AuthenticatedRequest, filters: Query[PolicyFilters]) -> Any:
    require(request, Capability.POLICY_VIEW)
    rows = selectors.policy_list(
        user=request.user, state=filters.state or "", category=filters.category or "", reserve=filters.reserve
    )
    return [_policy(policy) for policy in rows]


def _region(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFoundRefused("policies.region", _("Unknown region code."), field="region")
    return region


@router.post("", response=responses({201: PolicyOut}), summary="PO-1/PO-5: a new draft or reserve policy")
def create_policy(request: AuthenticatedRequest, payload: PolicyIn) -> Any:
    require(request, Capability.POLICY_MANAGE)
    data = payload.dict()
    region = _region(data.pop("region"))
    if region is not None:
        data["region"] = region
    with refusals(not_found=UNREACHABLE):
        policy = services.policy_create(actor=request.user, data=data)
    return Status(201, _policy(policy))


def _policy_of(request: AuthenticatedRequest, policy_id: int, capability: str = Capability.POLICY_VIEW) -> Policy:
    require(request, capability)
    return selectors.policy_get(user=request.user, pk=policy_id)


@router.get("/{int:policy_id}", response=responses({200: PolicyOut}), summary="One policy")
def get_policy(request: AuthenticatedRequest, policy_id: Id) -> Any:
    return _policy(_policy_of(request, policy_id))


@router.patch(
    "/{int:policy_id}",
    response=responses({200: PolicyOut}),
    summary="Change a policy (a published one is matched again)",
)
def patch_policy(request: AuthenticatedRequest, policy_id: Id, payload: PolicyPatch) -> Any:
    policy = _policy_of(request, policy_id, Capability.POLICY_MANAGE)
    data = payload.dict(exclude_unset=True)
    with refusals(not_found=UNREACHABLE):
        return _policy(services.policy_update(actor=request.user, policy=policy, data=data))


@router.post(
    "/{int:policy_id}/publish", response=responses({200: PolicyOut}), summary="Publish: matched in the background"
)
def publish_policy(request: AuthenticatedRequest, policy_id: Id) -> Any:
    policy = _policy_of(request, policy_id, Capability.POLICY_MANAGE)
    return _policy(services.policy_publish(actor=request.user, policy=policy))


@router.post("/{int:policy_id}/expire", response=responses({200: PolicyOut}), summary="End a published policy")
def expire_policy(request: AuthenticatedRequest, policy_id: Id) -> Any:
    policy = _policy_of(request, policy_id, Capability.POLICY_MANAGE)
    return _policy(services.policy_expire(actor=request.user, policy=policy))


@router.get(
    "/{int:policy_id}/run",
    response=responses({200: MatchRunOut}),
    summary="The latest matching run of a policy (progress); 404 before its first run",
)
def policy_run(request: AuthenticatedRequest, policy_id: Id) -> Any:
    run = selectors.latest_run(_policy_of(request, policy_id))
    if run is None:
        raise NotFoundRefused("policies.run.none", _("This policy has not been matched yet."))
    return run


# --- PO-3: funnel and matches -----------------------------------------------------------------------------


class FunnelFilters(Input):
    region: str = Field("", pattern=r"^([0-9]{6}([0-9]{3})?)?$", description="区划代码（含下级）；空：本人区划")


@router.get(
    "/funnel", response=responses({200: list[PolicyFunnelOut]}), summary="PO-3: the funnel per policy in a region"
)
def funnel(request: AuthenticatedRequest, filters: Query[FunnelFilters]) -> Any:
    require(request, Capability.POLICY_VIEW)
    root = root_region(request.user)
    region = filters.region
    chosen = Region.objects.filter(code=region, path__startswith=root.path).first() if region else root
    if chosen is None:
        raise NotFoundRefused("policies.region", _("Unknown region code."), field="region")
    return [
        {"policy_id": policy.pk, "title": policy.title, "funnel": _funnel(figures)}
        for policy, figures in selectors.funnel_by_policy(user=request.user, region_path=chosen.path)
    ]


class MatchFilters(Input):
    policy: Id | None = None
    stage: Literal["matched", "pushed", "seen", "applied", "approved", "redeemed", "declined"] | None = Field(
        None, description="漏斗阶段：已到达该阶段的匹配"
    )
    state: MatchState | None = None


@router.get(
    "/matches",
    response=responses({200: list[MatchOut]}),
    summary="PO-2/PO-3: matches in scope (an enterprise: its own)",
)
@paginate(BoundedLimitOffset)
def list_matches(request: AuthenticatedRequest, filters: Query[MatchFilters]) -> Any:
    require(request, Capability.POLICY_VIEW, Capability.POLICY_APPLY)
    policy = selectors.policy_get(user=request.user, pk=filters.policy) if filters.policy else None
    rows = selectors.match_list(user=request.user, policy=policy, stage=filters.stage or "", state=filters.state or "")
    return [_match(match) for match in rows]


def _condition(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **{key: node.get(key) for key in ("label", "passed", "wanted", "group", "field", "actual")},
        "children": [_condition(child) for child in node.get("children", [])],
    }


@router.get(
    "/matches/{int:match_id}",
    response=responses({200: MatchDetailOut}),
    summary="One match: why (per condition) and how much (per step)",
)
def get_match(request: AuthenticatedRequest, match_id: Id) -> Any:
    match = _match_of(request, match_id)
    why = reasons(match.policy, match.enterprise, today=timezone.localdate())
    return {
        **_match(match),
        "qualifies": why.qualifies,
        "conditions": _condition(why.explanation.as_dict()) if why.explanation else None,
        "steps": [vars(step) for step in why.computation.steps] if why.computation else [],
    }


def _match_of(request: AuthenticatedRequest, match_id: int) -> PolicyMatch:
    require(request, Capability.POLICY_VIEW, Capability.POLICY_APPLY)
    return selectors.match_get(user=request.user, pk=match_id)


@router.post("/matches/{int:match_id}/apply", response=responses({200: MatchOut}), summary="The enterprise applies")
def apply(request: AuthenticatedRequest, match_id: Id, payload: MatchApplyIn) -> Any:
    match = _match_of(request, match_id)
    return _match(services.match_apply(actor=request.user, match=match, note=payload.note))


@router.post("/matches/{int:match_id}/approve", response=responses({200: MatchOut}), summary="The department approves")
def approve(request: AuthenticatedRequest, match_id: Id, payload: MatchApproveIn) -> Any:
    match = _match_of(request, match_id)
    return _match(services.match_approve(actor=request.user, match=match, amount=payload.amount, note=payload.note))


@router.post("/matches/{int:match_id}/redeem", response=responses({200: MatchOut}), summary="兑现: the amount paid")
def redeem(request: AuthenticatedRequest, match_id: Id, payload: MatchRedeemIn) -> Any:
    match = _match_of(request, match_id)
    return _match(services.match_redeem(actor=request.user, match=match, amount=payload.amount))


@router.post("/matches/{int:match_id}/decline", response=responses({200: MatchOut}), summary="Decline, with the reason")
def decline(request: AuthenticatedRequest, match_id: Id, payload: MatchDeclineIn) -> Any:
    match = _match_of(request, match_id)
    return _match(services.match_decline(actor=request.user, match=match, reason=payload.reason))


# --- PO-4: an enterprise's figures --------------------------------------------------------------------------


def _facts_out(enterprise: Enterprise) -> dict[str, Any]:
    facts = EnterpriseFacts.objects.filter(enterprise=enterprise).first() or EnterpriseFacts(enterprise=enterprise)
    return {
        "enterprise_id": enterprise.pk,
        **{name: getattr(facts, name) for name in EnterpriseFactsOut.model_fields if name != "enterprise_id"},
    }


def _enterprise_for_facts(request: AuthenticatedRequest, enterprise_id: int) -> Enterprise:
    require(request, Capability.POLICY_APPLY, Capability.POLICY_VIEW)
    return Enterprise.objects.get_visible(request.user, pk=enterprise_id)


@router.get(
    "/figures/{int:enterprise_id}",
    response=responses({200: EnterpriseFactsOut}),
    summary="PO-4: an enterprise's policy figures",
)
def get_figures(request: AuthenticatedRequest, enterprise_id: Id) -> Any:
    return _facts_out(_enterprise_for_facts(request, enterprise_id))


@router.put(
    "/figures/{int:enterprise_id}",
    response=responses({200: EnterpriseFactsOut}),
    summary="Set an enterprise's figures (its matches follow at once)",
)
def put_figures(request: AuthenticatedRequest, enterprise_id: Id, payload: EnterpriseFactsIn) -> Any:
    enterprise = _enterprise_for_facts(request, enterprise_id)
    data = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name == "data_year"
    }
    services.facts_save(actor=request.user, enterprise=enterprise, data=data)
    return _facts_out(enterprise)


@router.post(
    "/figures/import",
    response=responses(JOB_RESPONSES),
    summary="Import figures (dry run by default): a job, finished (200) or running (202, poll /api/imports/{id})",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_figures(request: AuthenticatedRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    require(request, Capability.POLICY_FACTS_IMPORT)
    job = import_job_submit(
        actor=request.user, kind="policy_facts", upload=file, file_name=file.name or "upload.xlsx", commit=not dry_run
    )
    return job_response(job)


@router.post(
    "/import",
    response=responses(JOB_RESPONSES),
    summary="PO-1: import a policy list into the reserve (dry run by default): a job, finished (200) or running (202)",
    openapi_extra=uploads(file=SPREADSHEETS),
)
def import_policies(request: AuthenticatedRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    require(request, Capability.POLICY_MANAGE)
    job = import_job_submit(
        actor=request.user, kind="policy_list", upload=file, file_name=file.name or "upload.xlsx", commit=not dry_run
    )
    return job_response(job)


# --- PO-5: common issues that need a policy -------------------------------------------------------------------


def _need(need: PolicyNeed) -> dict[str, Any]:
    return {
        "id": need.pk,
        "policy_id": need.policy_id,
        "common_issue_id": need.common_issue_id,
        "common_issue_title": need.common_issue.title,
        "note": need.note,
    }


@router.get(
    "/needs",
    response=responses({200: list[PolicyNeedOut]}),
    summary="PO-5: common issues linked to the policies they need",
)
@paginate(BoundedLimitOffset)
def list_needs(request: AuthenticatedRequest) -> Any:
    require(request, Capability.POLICY_VIEW)
    rows = PolicyNeed.objects.visible_to(request.user).select_related("common_issue").order_by("-linked_at")
    return [_need(need) for need in rows]


@router.post(
    "/{int:policy_id}/needs",
    response=responses({201: PolicyNeedOut}),
    summary="Link a common issue to the policy it needs",
)
def add_need(request: AuthenticatedRequest, policy_id: Id, payload: PolicyNeedIn) -> Any:
    policy = _policy_of(request, policy_id, Capability.POLICY_MANAGE)
    issue = CommonIssue.objects.visible_to(request.user).filter(pk=payload.common_issue).first()
    if issue is None:
        raise NotFoundRefused("policies.need.issue", _("This common issue is outside your area."), field="common_issue")
    need = services.policy_need_link(actor=request.user, common_issue=issue, policy=policy, note=payload.note)
    return Status(201, _need(need))


@router.delete("/needs/{int:need_id}", response=responses({204: None}), summary="Remove a link")
def remove_need(request: AuthenticatedRequest, need_id: Id) -> Any:
    require(request, Capability.POLICY_MANAGE)
    need = PolicyNeed.objects.select_related("policy__region").get_visible(request.user, pk=need_id)
    services.policy_need_unlink(actor=request.user, need=need)
    return Status(204, None)


@router.get("/runs/{int:run_id}", response=responses({200: MatchRunOut}), summary="A matching run's progress")
def get_run(request: AuthenticatedRequest, run_id: Id) -> Any:
    require(request, Capability.POLICY_VIEW)
    run = MatchRun.objects.filter(pk=run_id, policy__in=Policy.objects.visible_to(request.user)).first()
    if run is None:
        raise Http404
    return run
