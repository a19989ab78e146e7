"""Pages of the policies (PO-1…PO-5): the catalogue with the condition builder, the reserve, matches and the
funnel for departments, 我的政策 for enterprises. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.import_jobs import import_job_submit
from sibao.core.import_views import import_job_context, job_page
from sibao.core.roles import Capability, Role
from sibao.core.views import capability_required, xlsx_response
from sibao.enterprises.forms import ImportUploadForm
from sibao.policies import imports, selectors, services
from sibao.policies.display import explanation_tree, rule_rows
from sibao.policies.forms import DecisionForm, FactsForm, PolicyForm
from sibao.policies.matching import reasons
from sibao.policies.models import EnterpriseFacts, MatchState, Policy, PolicyCategory, PolicyNeed, PolicyState
from sibao.policies.rule_fields import FIELDS
from sibao.policies.workflows import MATCH, manages
from sibao.regions.models import Region
from sibao.tickets.models import CommonIssue
from sibao.whitelist.oversight_forms import root_region
from sibao.whitelist.rule_builder import builder_regions, builder_schema

PAGE_SIZE = 50


def _page(request: AuthenticatedRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _scope_region(request: AuthenticatedRequest) -> Region:
    """The region the funnel is shown for: the one asked for (inside the user's subtree) or the user's own."""
    user = request.user
    root = root_region(user)
    code = request.GET.get("region", "")
    if code and code != root.code:
        region = Region.objects.filter(code=code, path__startswith=root.path).first()
        if region is None:
            raise Http404
        return region
    return root


# --- PO-1: the catalogue ---------------------------------------------------------------------------------


@login_required
@capability_required(Capability.POLICY_VIEW)
def policy_list(request: AuthenticatedRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    policies = selectors.policy_list(
        user=request.user,
        state=state if state in PolicyState.values else "",
        category=category if category in PolicyCategory.values else "",
    )
    context = {
        "page": _page(request, policies),
        "state": state,
        "category": category,
        "states": PolicyState.choices,
        "categories": PolicyCategory.choices,
        "can_manage": request.user.can(Capability.POLICY_MANAGE),
    }
    return render(request, "policies/list.html", context)


@login_required
@capability_required(Capability.POLICY_VIEW)
def policy_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    policy = selectors.policy_get(user=user, pk=pk)
    region = root_region(user)
    matches = selectors.match_list(user=user, policy=policy)
    needs = PolicyNeed.objects.filter(policy=policy).select_related("common_issue__region")
    context = {
        "policy": policy,
        "rows": rule_rows(policy.eligibility),
        "formula_steps": (policy.formula or {}).get("steps", []),
        "funnel": selectors.funnel_counts(matches),
        "matches": matches[:20],
        "region": region,
        "can_manage": manages(user, policy),
        "run": selectors.latest_run(policy),
        "needs": needs,
        "issues": CommonIssue.objects.visible_to(user).exclude(policy_needs__policy=policy).order_by("-created_at")[:50]
        if manages(user, policy)
        else [],
    }
    return render(request, "policies/detail.html", context)


def _policy_form_data(form: PolicyForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if "region" in data and data["region"] is None:
        data.pop("region")
    return data


@login_required
@capability_required(Capability.POLICY_MANAGE)
def policy_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    policy = selectors.policy_get(user=user, pk=pk) if pk else None
    if policy is not None and not manages(user, policy):
        raise PermissionDenied
    if request.method == "POST":
        form = PolicyForm(request.POST, user=user, policy=policy)
        if form.is_valid():
            try:
                if policy is None:
                    saved = services.policy_create(actor=user, data=_policy_form_data(form))
                else:
                    saved = services.policy_update(actor=user, policy=policy, data=_policy_form_data(form))
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The policy was saved."))
                return redirect("policies:detail", pk=saved.pk)
    else:
        form = PolicyForm(user=user, policy=policy, initial={"reserve": request.GET.get("reserve") == "1"})
    region = policy.region if policy else root_region(user)
    context = {
        "policy": policy,
        "form": form,
        "builder_schema": builder_schema(FIELDS, builder_regions(region)),
        "show_json": user.is_superuser or user.role == Role.ADMINISTRATOR,
    }
    return render(request, "policies/edit.html", context)


@login_required
@capability_required(Capability.POLICY_MANAGE)
@require_POST
def policy_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(user=request.user, pk=pk)
    try:
        services.policy_publish(actor=request.user, policy=policy)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(title)s” is published; the enterprises it is for are being found.") % {"title": policy}
        )
    return redirect("policies:detail", pk=policy.pk)


@login_required
@capability_required(Capability.POLICY_MANAGE)
@require_POST
def policy_expire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(user=request.user, pk=pk)
    try:
        services.policy_expire(actor=request.user, policy=policy)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The policy has ended."))
    return redirect("policies:detail", pk=policy.pk)


@login_required
@capability_required(Capability.POLICY_VIEW)
def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The matching run's progress bar (polled by htmx while it runs)."""
    from sibao.policies.models import MatchRun

    run = MatchRun.objects.filter(pk=pk, policy__in=Policy.objects.visible_to(request.user)).first()
    if run is None:
        raise Http404
    return render(request, "policies/_run.html", {"run": run})


# --- PO-5: the reserve and the links from common issues ------------------------------------------------------


@login_required
@capability_required(Capability.POLICY_MANAGE)
def reserve(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    drafts = selectors.policy_list(user=user, state=PolicyState.DRAFT)
    needs = PolicyNeed.objects.visible_to(user).select_related("common_issue", "policy").order_by("-linked_at")
    context = {"page": _page(request, drafts), "needs": needs[:100]}
    return render(request, "policies/reserve.html", context)


@login_required
@capability_required(Capability.POLICY_MANAGE)
@require_POST
def policy_need_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(user=request.user, pk=pk)
    issue = CommonIssue.objects.get_visible(request.user, pk=request.POST.get("common_issue") or 0)
    try:
        services.policy_need_link(
            actor=request.user, common_issue=issue, policy=policy, note=request.POST.get("note", "")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The common issue is linked to this policy."))
    return redirect("policies:detail", pk=policy.pk)


@login_required
@capability_required(Capability.POLICY_MANAGE)
@require_POST
def policy_need_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = PolicyNeed.objects.select_related("policy__region").get_visible(request.user, pk=pk)
    try:
        services.policy_need_unlink(actor=request.user, need=need)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("policies:detail", pk=need.policy_id)


# --- PO-3: matches and the funnel ---------------------------------------------------------------------------


@login_required
@capability_required(Capability.POLICY_VIEW)
def funnel(request: AuthenticatedRequest) -> HttpResponse:
    from sibao.core.summaries import refreshed_at

    region = _scope_region(request)
    context = {
        "region": region,
        "total": selectors.funnel_summary(region_path=region.path),
        "rows": selectors.funnel_by_policy(user=request.user, region_path=region.path),
        "refreshed_at": refreshed_at("policies.funnel"),
        "children": Region.objects.filter(parent=region).order_by("code"),
    }
    return render(request, "policies/funnel.html", context)


@login_required
@capability_required(Capability.POLICY_VIEW)
def match_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.ENTERPRISE:
        return redirect("policies:mine")
    policy = None
    if request.GET.get("policy", "").isdigit():
        policy = selectors.policy_get(user=user, pk=request.GET["policy"])
    region = _scope_region(request)
    stage = request.GET.get("stage", "")
    sector = request.GET.get("sector", "")
    matches = selectors.match_list(user=user, policy=policy, stage=stage, region=region.path, sector=sector)
    context = {"page": _page(request, matches), "policy": policy, "stage": stage, "region": region}
    return render(request, "policies/matches.html", context)


@login_required
def match_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    if not (user.can(Capability.POLICY_VIEW) or user.can(Capability.POLICY_APPLY)):
        raise PermissionDenied
    match = selectors.match_get(user=user, pk=pk)
    match = services.match_see(actor=user, match=match)
    why = reasons(match.policy, match.enterprise, today=timezone.localdate())
    context = {
        "match": match,
        "policy": match.policy,
        "why": why,
        "tree": explanation_tree(why.explanation.as_dict() if why.explanation else None),
        "actions": [t for t in MATCH.available(match, user) if t.action not in ("push", "see")],
        "history": MATCH.history_rows(match),
        "form": DecisionForm(initial={"amount": match.approved_amount or match.estimated_amount}),
    }
    return render(request, "policies/match.html", context)


@login_required
@require_POST
def match_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    match = selectors.match_get(user=user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "apply":
            services.match_apply(actor=user, match=match, note=data.get("note", ""))
        elif action == "approve":
            services.match_approve(actor=user, match=match, amount=data.get("amount"), note=data.get("note", ""))
        elif action == "redeem":
            services.match_redeem(actor=user, match=match, amount=data.get("amount"))
        elif action == "decline":
            services.match_decline(actor=user, match=match, reason=data.get("note", ""))
        else:
            raise Http404
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": MATCH.transition(action).label})
    return redirect("policies:match", pk=match.pk)


# --- 我的政策 (the enterprise) ---------------------------------------------------------------------------------


@login_required
@capability_required(Capability.POLICY_APPLY)
def my_policies(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.enterprise_id is None:
        return redirect("policies:list")  # an administrator: no enterprise of its own
    matches = list(selectors.my_matches(user=user))
    open_states = (MatchState.PUSHED, MatchState.SEEN, MatchState.MATCHED)
    context = {
        "claimable": [m for m in matches if m.state in open_states],
        "claimed": [m for m in matches if m.state not in open_states],
        "facts": EnterpriseFacts.objects.filter(enterprise_id=user.enterprise_id).first(),
        "enterprise": user.enterprise,
    }
    return render(request, "policies/mine.html", context)


@login_required
@capability_required(Capability.POLICY_APPLY)
def my_figures(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    enterprise = user.enterprise
    if enterprise is None:
        raise Http404
    facts = EnterpriseFacts.objects.filter(enterprise=enterprise).first()
    form = FactsForm(request.POST or None, instance=facts)
    if request.method == "POST" and form.is_valid():
        try:
            services.facts_save(actor=user, enterprise=enterprise, data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your figures were saved; the policies you may claim were checked again."))
            return redirect("policies:mine")
    return render(request, "policies/figures.html", {"form": form, "enterprise": user.enterprise})


# --- PO-4: importing figures ---------------------------------------------------------------------------------


@login_required
@capability_required(Capability.POLICY_FACTS_IMPORT)
def facts_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user, kind="policy_facts", upload=upload, file_name=upload.name, commit=False
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {"form": form, "columns": imports.COLUMNS}
    context.update(import_job_context(request, kind="policy_facts"))
    return render(request, "policies/facts_import.html", context)


@login_required
@capability_required(Capability.POLICY_FACTS_IMPORT)
def facts_template(request: AuthenticatedRequest) -> HttpResponse:
    return xlsx_response(imports.template_xlsx(), "政策核验信息导入模板.xlsx")


@login_required
@capability_required(Capability.POLICY_MANAGE)
def policy_import(request: AuthenticatedRequest) -> HttpResponse:
    """PO-1: a policy list from .xlsx/.csv, checked first, saved all or nothing into the reserve (PO-5)."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_submit(
                actor=request.user, kind="policy_list", upload=upload, file_name=upload.name, commit=False
            )
        except ServiceError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(job_page(job))
    context: dict[str, Any] = {"form": form, "columns": imports.POLICY_COLUMNS}
    context.update(import_job_context(request, kind="policy_list"))
    return render(request, "policies/policy_import.html", context)


@login_required
@capability_required(Capability.POLICY_MANAGE)
def policy_template(request: AuthenticatedRequest) -> HttpResponse:
    return xlsx_response(imports.policy_template_xlsx(), "政策清单导入模板.xlsx")
