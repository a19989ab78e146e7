"""PO-1…PO-5 endpoints (X-5): the same selectors and services as the pages, under the same scope (out of scope →
404). Refusals come back as ``{code, message, field}``: wrong state 409, not yours 403, bad input 400/422."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sibao.core.api_pagination import BoundedLimitOffset
from sibao.core.api_types import Id
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.import_api import JOB_RESPONSES, job_response
from sibao.core.import_jobs import import_job_submit
from sibao.core.roles import Capability, has_capability
from sibao.enterprises.models import Enterprise
from sibao.enterprises.schemas import ErrorOut
from sibao.policies import selectors, services
from sibao.policies.matching import reasons
from sibao.policies.models import EnterpriseFacts, MatchRun, Policy, PolicyMatch, PolicyNeed
from sibao.policies.schemas import (
    ApplyIn,
    ApproveIn,
    DeclineIn,
    FactsIn,
    FactsOut,
    MatchDetailOut,
    MatchOut,
    NeedIn,
    NeedOut,
    PolicyFunnelOut,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
    PublicPolicyOut,
    RedeemIn,
    RunOut,
)
from sibao.regions.models import Region
from sibao.tickets.models import CommonIssue
from sibao.whitelist.oversight_forms import root_region

router = Router(tags=["policies"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))


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


@router.get("/public", auth=None, response=list[PublicPolicyOut], summary="DB-5: published policies and consultants")
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


class PolicyFilters(Schema):
    state: str = ""
    category: str = ""
    reserve: bool | None = None


@router.get("", response={200: list[PolicyOut], **ERRORS}, summary="PO-1: policies in scope")
@paginate(BoundedLimitOffset)
def list_policies(request: HttpRequest, filters: Query[PolicyFilters]) -> Any:
    _require(request, Capability.POLICY_VIEW)
    rows = selectors.policy_list(
        user=request.user, state=filters.state, category=filters.category, reserve=filters.reserve
    )
    return [_policy(policy) for policy in rows]


def _region(request: HttpRequest, code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ServiceError("policies.region", _("Unknown region code."), field="region")
    return region


@router.post("", response={201: PolicyOut, **ERRORS}, summary="PO-1/PO-5: a new draft or reserve policy")
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    data = payload.dict()
    region = _region(request, data.pop("region"))
    if region is not None:
        data["region"] = region
    return Status(201, _policy(services.policy_create(actor=request.user, data=data)))


@router.get("/{int:policy_id}", response={200: PolicyOut, **ERRORS}, summary="One policy")
def get_policy(request: HttpRequest, policy_id: int) -> Any:
    _require(request, Capability.POLICY_VIEW)
    return _policy(selectors.policy_get(user=request.user, pk=policy_id))


@router.patch(
    "/{int:policy_id}",
    response={200: PolicyOut, **ERRORS},
    summary="Change a policy (a published one is matched again)",
)
def patch_policy(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> Any:
    _require(request, Capability.POLICY_MANAGE)
    policy = selectors.policy_get(user=request.user, pk=policy_id)
    data = payload.dict(exclude_unset=True)
    return _policy(services.policy_update(actor=request.user, policy=policy, data=data))


@router.post(
    "/{int:policy_id}/publish", response={200: PolicyOut, **ERRORS}, summary="Publish: matched in the background"
)
def publish_policy(request: HttpRequest, policy_id: int) -> Any:
    _require(request, Capability.POLICY_MANAGE)
    return _policy(
        services.policy_publish(actor=request.user, policy=selectors.policy_get(user=request.user, pk=policy_id))
    )


@router.post("/{int:policy_id}/expire", response={200: PolicyOut, **ERRORS}, summary="End a published policy")
def expire_policy(request: HttpRequest, policy_id: int) -> Any:
    _require(request, Capability.POLICY_MANAGE)
    return _policy(
        services.policy_expire(actor=request.user, policy=selectors.policy_get(user=request.user, pk=policy_id))
    )


@router.get(
    "/{int:policy_id}/run", response={200: RunOut, **ERRORS}, summary="The latest matching run of a policy (progress)"
)
def policy_run(request: HttpRequest, policy_id: int) -> Any:
    _require(request, Capability.POLICY_VIEW)
    run = selectors.latest_run(selectors.policy_get(user=request.user, pk=policy_id))
    if run is None:
        raise ServiceError("policies.run.none", _("This policy has not been matched yet."))
    return run


# --- PO-3: funnel and matches -----------------------------------------------------------------------------


@router.get(
    "/funnel", response={200: list[PolicyFunnelOut], **ERRORS}, summary="PO-3: the funnel per policy in a region"
)
def funnel(request: HttpRequest, region: str = "") -> Any:
    _require(request, Capability.POLICY_VIEW)
    root = root_region(request.user)
    chosen = Region.objects.filter(code=region, path__startswith=root.path).first() if region else root
    if chosen is None:
        raise ServiceError("policies.region", _("Unknown region code."), field="region")
    return [
        {"policy_id": policy.pk, "title": policy.title, "funnel": _funnel(figures)}
        for policy, figures in selectors.funnel_by_policy(user=request.user, region_path=chosen.path)
    ]


class MatchFilters(Schema):
    policy: Id | None = None
    stage: str = ""
    state: str = ""


@router.get(
    "/matches", response={200: list[MatchOut], **ERRORS}, summary="PO-2/PO-3: matches in scope (an enterprise: its own)"
)
@paginate(BoundedLimitOffset)
def list_matches(request: HttpRequest, filters: Query[MatchFilters]) -> Any:
    if not (
        has_capability(request.user, Capability.POLICY_VIEW) or has_capability(request.user, Capability.POLICY_APPLY)
    ):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))
    policy = selectors.policy_get(user=request.user, pk=filters.policy) if filters.policy else None
    rows = selectors.match_list(user=request.user, policy=policy, stage=filters.stage, state=filters.state)
    return [_match(match) for match in rows]


def _condition(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **{key: node.get(key) for key in ("label", "passed", "wanted", "group", "field", "actual")},
        "children": [_condition(child) for child in node.get("children", [])],
    }


@router.get(
    "/matches/{int:match_id}",
    response={200: MatchDetailOut, **ERRORS},
    summary="One match: why (per condition) and how much (per step)",
)
def get_match(request: HttpRequest, match_id: int) -> Any:
    match = selectors.match_get(user=request.user, pk=match_id)
    why = reasons(match.policy, match.enterprise, today=timezone.localdate())
    return {
        **_match(match),
        "qualifies": why.qualifies,
        "conditions": _condition(why.explanation.as_dict()) if why.explanation else None,
        "steps": [vars(step) for step in why.computation.steps] if why.computation else [],
    }


@router.post("/matches/{int:match_id}/apply", response={200: MatchOut, **ERRORS}, summary="The enterprise applies")
def apply(request: HttpRequest, match_id: int, payload: ApplyIn) -> Any:
    match = selectors.match_get(user=request.user, pk=match_id)
    return _match(services.match_apply(actor=request.user, match=match, note=payload.note))


@router.post("/matches/{int:match_id}/approve", response={200: MatchOut, **ERRORS}, summary="The department approves")
def approve(request: HttpRequest, match_id: int, payload: ApproveIn) -> Any:
    match = selectors.match_get(user=request.user, pk=match_id)
    return _match(services.match_approve(actor=request.user, match=match, amount=payload.amount, note=payload.note))


@router.post("/matches/{int:match_id}/redeem", response={200: MatchOut, **ERRORS}, summary="兑现: the amount paid")
def redeem(request: HttpRequest, match_id: int, payload: RedeemIn) -> Any:
    match = selectors.match_get(user=request.user, pk=match_id)
    return _match(services.match_redeem(actor=request.user, match=match, amount=payload.amount))


@router.post("/matches/{int:match_id}/decline", response={200: MatchOut, **ERRORS}, summary="Decline, with the reason")
def decline(request: HttpRequest, match_id: int, payload: DeclineIn) -> Any:
    match = selectors.match_get(user=request.user, pk=match_id)
    return _match(services.match_decline(actor=request.user, match=match, reason=payload.reason))


# --- PO-4: an enterprise's figures --------------------------------------------------------------------------


def _facts_out(enterprise: Enterprise) -> dict[str, Any]:
    facts = EnterpriseFacts.objects.filter(enterprise=enterprise).first() or EnterpriseFacts(enterprise=enterprise)
    return {
        "enterprise_id": enterprise.pk,
        **{name: getattr(facts, name) for name in FactsOut.model_fields if name != "enterprise_id"},
    }


def _enterprise_for_facts(request: HttpRequest, enterprise_id: int) -> Enterprise:
    if not (
        has_capability(request.user, Capability.POLICY_APPLY) or has_capability(request.user, Capability.POLICY_VIEW)
    ):
        raise PermissionRefused("permission_denied", _("Your role may not do this."))
    return Enterprise.objects.get_visible(request.user, pk=enterprise_id)


@router.get(
    "/figures/{int:enterprise_id}", response={200: FactsOut, **ERRORS}, summary="PO-4: an enterprise's policy figures"
)
def get_figures(request: HttpRequest, enterprise_id: int) -> Any:
    return _facts_out(_enterprise_for_facts(request, enterprise_id))


@router.put(
    "/figures/{int:enterprise_id}",
    response={200: FactsOut, **ERRORS},
    summary="Set an enterprise's figures (its matches follow at once)",
)
def put_figures(request: HttpRequest, enterprise_id: int, payload: FactsIn) -> Any:
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
    response={**JOB_RESPONSES, **ERRORS},
    summary="Import figures (dry run by default): a job, finished (200) or running (202, poll /api/imports/{id})",
)
def import_figures(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Any:
    job = import_job_submit(
        actor=request.user, kind="policy_facts", upload=file, file_name=file.name or "upload.xlsx", commit=not dry_run
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
    "/needs", response={200: list[NeedOut], **ERRORS}, summary="PO-5: common issues linked to the policies they need"
)
@paginate(BoundedLimitOffset)
def list_needs(request: HttpRequest) -> Any:
    _require(request, Capability.POLICY_VIEW)
    rows = PolicyNeed.objects.visible_to(request.user).select_related("common_issue").order_by("-linked_at")
    return [_need(need) for need in rows]


@router.post(
    "/{int:policy_id}/needs", response={201: NeedOut, **ERRORS}, summary="Link a common issue to the policy it needs"
)
def add_need(request: HttpRequest, policy_id: int, payload: NeedIn) -> Any:
    _require(request, Capability.POLICY_MANAGE)
    policy = selectors.policy_get(user=request.user, pk=policy_id)
    issue = CommonIssue.objects.get_visible(request.user, pk=payload.common_issue)
    return Status(
        201, _need(services.policy_need_link(actor=request.user, common_issue=issue, policy=policy, note=payload.note))
    )


@router.delete("/needs/{int:need_id}", response={204: None, **ERRORS}, summary="Remove a link")
def remove_need(request: HttpRequest, need_id: int) -> Any:
    _require(request, Capability.POLICY_MANAGE)
    need = PolicyNeed.objects.select_related("policy__region").get_visible(request.user, pk=need_id)
    services.policy_need_unlink(actor=request.user, need=need)
    return Status(204, None)


@router.get("/runs/{int:run_id}", response={200: RunOut, **ERRORS}, summary="A matching run's progress")
def get_run(request: HttpRequest, run_id: int) -> Any:
    _require(request, Capability.POLICY_VIEW)
    run = MatchRun.objects.filter(pk=run_id, policy__in=Policy.objects.visible_to(request.user)).first()
    if run is None:
        from django.http import Http404

        raise Http404
    return run
