"""Application pages (WL-3 apply with pre-check, WL-4 review) and batch publication (WL-5).

Thin: every write is a service call, every read goes through the scope choke point
(``Application.objects.get_visible`` / ``selectors.applications_for``); out of scope is 404.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.core.benefits import benefit_rows
from sibao.core.errors import ServiceError
from sibao.core.pagination import page_of, read_by_key
from sibao.core.roles import Capability, Role, has_capability
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.regions.models import Region
from sibao.whitelist import selectors, services
from sibao.whitelist.forms import ApplicationFilterForm, ApplicationForm, AttachmentForm, BatchPublishForm
from sibao.whitelist.models import (
    OPEN_APPLICATION_STATES,
    REQUIRED_ATTACHMENTS,
    Application,
    ApplicationState,
    AttachmentKind,
    Batch,
    ChainFlag,
    Listing,
)
from sibao.whitelist.workflows import APPLICATION

PAGE_SIZE = 50
BATCHES_PER_PAGE = 10
LISTINGS_PER_BATCH = 20
AWAITING_SHOWN = 200
# Transitions with their own page: publication happens in batches (WL-5), not one application at a time.
_NOT_ON_DETAIL = {"publish"}


# --- Pre-check tree (WL-3 "which condition passes or fails") -------------------------------------


def _actual_text(leaf: Mapping[str, Any]) -> str:
    """The enterprise's value a leaf was tested on, as a reader wants to see it."""
    spec = ENTERPRISE_FIELDS.get(leaf.get("field") or "")
    actual = leaf.get("actual")
    if spec is None:
        return "" if actual is None else str(actual)
    if spec.kind == "records":
        assert spec.records is not None
        if not actual:
            return _("no such record")
        kinds, severities = dict(spec.records.kinds), dict(spec.records.severities)
        return "；".join(
            f"{record.get('occurred_on', '')} {kinds.get(record.get('kind'), record.get('kind'))}"
            f"（{severities.get(record.get('severity'), record.get('severity'))}）"
            for record in actual
        )
    if actual is None:
        return "—"
    if spec.kind == "bool":
        return _("Yes") if actual else _("No")
    if spec.kind == "choice":
        return spec.choice_label(actual)
    if spec.kind == "region":
        code = str(actual).strip("/").rsplit("/", 1)[-1]
        found = Region.objects.filter(code=code).first()
        return found.full_name if found else str(actual)
    return str(actual)


def precheck_tree(node: Mapping[str, Any] | None, *, parent_ok: bool = False) -> dict[str, Any] | None:
    """``Explanation.as_dict()`` shaped for the template, each node "ok", "failed" or "neutral".

    A node is fine when passed == wanted. One that is not, inside a group that is fine anyway (the other
    alternatives of a satisfied "one of"), did not count against the enterprise: it is shown as neutral.
    """
    if not node:
        return None
    ok = node.get("passed") == node.get("wanted", True)
    state = "ok" if ok else "neutral" if parent_ok else "failed"
    shaped: dict[str, Any] = {"label": node.get("label", ""), "state": state}
    if node.get("group"):
        shaped["group"] = node["group"]
        shaped["children"] = [precheck_tree(child, parent_ok=state != "failed") for child in node.get("children", [])]
    else:
        shaped["actual"] = _actual_text(node)
    return shaped


def _failed_count(tree: Mapping[str, Any] | None) -> int:
    """The conditions that made the pre-check fail."""
    if not tree:
        return 0
    if tree.get("group"):
        return sum(_failed_count(child) for child in tree["children"])
    return 1 if tree["state"] == "failed" else 0


def _add_service_error(form: forms.Form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- WL-3: apply ---------------------------------------------------------------------------------


@login_required
@capability_required(Capability.WHITELIST_APPLY)
def apply(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    enterprise: Enterprise | None = getattr(user, "enterprise", None)
    if enterprise is None:
        messages.info(request, _("Only an enterprise user can apply; officials review the applications here."))
        return redirect("whitelist:applications")
    mine = selectors.applications_for(user)
    current: Application | None = mine.filter(state__in=OPEN_APPLICATION_STATES).order_by("-pk").first()
    context: dict[str, Any] = {"enterprise": enterprise, "current": current}
    if current is not None and APPLICATION.refusal(current, "submit", user) is not None:
        # Submitted (or further): the form is closed; show where it stands.
        context.update(locked=True, history=APPLICATION.history_rows(current))
        return render(request, "whitelist/apply.html", context)

    status = selectors.listing_status(enterprise)
    if current is not None:
        initial = {name: getattr(current, name) for name in services.APPLICATION_FIELDS}
    else:  # the registry's contact as a starting point
        initial = {"contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone}
    form = ApplicationForm(initial=initial)
    attachment_form = AttachmentForm()
    if request.method == "POST" and not status.listed:
        if "upload" in request.POST:
            attachment_form = AttachmentForm(request.POST, request.FILES)
            if current is None:
                attachment_form.add_error(None, _("Save the form first, then attach the files."))
            elif attachment_form.is_valid():
                try:
                    services.attachment_add(
                        actor=user,
                        application=current,
                        kind=attachment_form.cleaned_data["kind"],
                        upload=attachment_form.cleaned_data["file"],
                    )
                except ServiceError as exc:
                    _add_service_error(attachment_form, exc)
                else:
                    messages.success(request, _("The file was attached."))
                    return redirect("whitelist:apply")
        else:
            form = ApplicationForm(request.POST)
            if form.is_valid():
                try:
                    if current is None:
                        services.application_start(actor=user, data=form.cleaned_data)
                    else:
                        services.application_update(actor=user, application=current, data=form.cleaned_data)
                except ServiceError as exc:
                    _add_service_error(form, exc)
                else:
                    messages.success(request, _("The application was saved. Attach the files, then submit it."))
                    return redirect("whitelist:apply")

    # The pre-check as of now (the enterprise's record may have changed since the draft was saved);
    # submitting evaluates it again and stores it.
    preview = current if current is not None else Application(enterprise=enterprise, sector=enterprise.sector)
    services.precheck(preview)
    tree = precheck_tree(preview.precheck)
    attachments = list(current.attachments.all()) if current else []
    present = {attachment.kind for attachment in attachments}
    context.update(
        locked=False,
        status=status,
        form=form,
        attachment_form=attachment_form,
        attachments=attachments,
        required=[{"label": AttachmentKind(kind).label, "present": kind in present} for kind in REQUIRED_ATTACHMENTS],
        criteria=preview.criteria,
        precheck=tree,
        precheck_passed=preview.precheck_passed,
        failed_count=_failed_count(tree),
        chain_flags=ChainFlag.objects.filter(enterprise=enterprise).select_related("because_of"),
        previous=mine.exclude(state__in=OPEN_APPLICATION_STATES).order_by("-pk").first(),
        history=APPLICATION.history_rows(current) if current else [],
    )
    return render(request, "whitelist/apply.html", context)


# --- WL-4: review --------------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if getattr(user, "role", None) == Role.ENTERPRISE:
        latest = selectors.applications_for(user).order_by("-pk").first()
        return redirect("whitelist:application", pk=latest.pk) if latest else redirect("whitelist:apply")
    if not has_capability(user, Capability.WHITELIST_VIEW):
        raise PermissionDenied
    form = ApplicationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    applications = selectors.applications_for(user)
    state = data.get("state", "")
    if state == ApplicationFilterForm.TO_REVIEW:
        applications = selectors.awaiting_decision(user)
    elif state == "":  # a draft is the enterprise's own until it submits
        applications = applications.exclude(state=ApplicationState.DRAFT)
    elif state != ApplicationFilterForm.ALL:
        applications = applications.filter(state=state)
    if data.get("precheck"):
        applications = applications.filter(precheck_passed=data["precheck"] == "passed")
    if data.get("q"):
        applications = applications.filter(
            Q(enterprise__name__icontains=data["q"]) | Q(enterprise__uscc__iexact=data["q"])
        )
    page = read_by_key(page_of(request, applications, PAGE_SIZE))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "whitelist/application_list.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    application = Application.objects.select_related(
        "enterprise", "enterprise__region", "criteria", "decided_by", "created_by"
    ).get_visible(user, pk=pk)
    transitions = [t for t in APPLICATION.available(application, user) if t.action not in _NOT_ON_DETAIL]
    tree = precheck_tree(application.precheck)
    listing = Listing.objects.filter(application=application).select_related("batch", "batch__region").first()
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "precheck": tree,
        "failed_count": _failed_count(tree),
        "attachments": list(application.attachments.all()),
        "history": APPLICATION.history_rows(application),
        "transitions": transitions,
        "reason_actions": [t.action for t in transitions if t.needs_reason],
        "can_edit": any(t.action == "submit" for t in transitions),
        "listing": listing,
        # WL-9: what the listing grants, with the enterprise's own state of each; its own pages linked for it.
        "benefits": benefit_rows(application.enterprise) if listing and listing.removed_at is None else [],
        "link_benefits": getattr(user, "enterprise_id", None) == application.enterprise_id,
    }
    return render(request, "whitelist/application_detail.html", context)


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    application = Application.objects.select_related("enterprise", "enterprise__region").get_visible(user, pk=pk)
    action = request.POST.get("action", "")
    back_to_apply = request.POST.get("next") == "apply"
    try:
        if action == "submit":
            done = services.application_submit(actor=user, application=application)
        else:
            done = services.application_act(
                actor=user, application=application, action=action, reason=request.POST.get("reason", "")
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("whitelist:apply") if back_to_apply else redirect("whitelist:application", pk=pk)
    if action == "submit" and done.precheck_passed is False:
        messages.warning(
            request,
            _("Submitted. The automatic pre-check did not pass: the reviewers will see which conditions are not met."),
        )
    else:
        messages.success(
            request,
            _("Done: %(action)s. The application is now “%(state)s”.")
            % {"action": APPLICATION.transition(action).label, "state": done.get_state_display()},
        )
    return redirect("whitelist:application", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    application = Application.objects.get_visible(request.user, pk=pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


# --- WL-5: batches -------------------------------------------------------------------------------


@login_required
@capability_required(Capability.WHITELIST_PUBLISH)
def batches(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    awaiting = selectors.awaiting_publication(user)
    form = BatchPublishForm(request.POST or None, awaiting=awaiting)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_publish(
                actor=user, applications=form.cleaned_data["applications"], note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Batch %(number)s was published with %(count)s enterprises.")
                % {"number": batch.number, "count": batch.listings.count()},
            )
            return redirect("whitelist:batches")
    elif request.method == "POST":
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
    # Issue 10: a province holds ~160 batches of ~125 listings; the page shows BATCHES_PER_PAGE batches with
    # their size (counted for that page's batches only) and their first LISTINGS_PER_BATCH listings in the order
    # they were published (a windowed read of the ``listing_batch_order`` index, then those rows' enterprises);
    # the public page has them all.
    published = page_of(
        request,
        Batch.objects.visible_to(user).select_related("region", "published_by").order_by("-published_at", "-pk"),
        BATCHES_PER_PAGE,
    )
    shown = list(published.object_list)
    sizes = dict(
        Listing.objects.filter(batch__in=shown)
        .order_by()
        .values_list("batch")
        .annotate(n=Count("pk"))
        .values_list("batch", "n")
    )
    # The window is taken over the listing index alone, then only its rows are joined to their enterprises (a
    # windowed prefetch joins every listing of the batches to its enterprise first: ~100 ms at province scale).
    first_ids = (
        Listing.objects.filter(batch__in=shown)
        .annotate(rank=Window(RowNumber(), partition_by=[F("batch_id")], order_by=[F("pk").asc()]))
        .filter(rank__lte=LISTINGS_PER_BATCH)
        .values_list("pk", flat=True)
    )
    first: dict[int, list[Listing]] = {}
    for listing in (
        Listing.objects.filter(pk__in=list(first_ids)).select_related("enterprise", "enterprise__region").order_by("pk")
    ):
        first.setdefault(listing.batch_id, []).append(listing)
    for batch in shown:
        batch.listing_count = sizes.get(batch.pk, 0)
        batch.first_listings = first.get(batch.pk, [])
    region = getattr(user, "region", None)
    next_number = None
    if region is not None:
        next_number = (Batch.objects.filter(region=region).aggregate(n=Max("number"))["n"] or 0) + 1
    chosen = {str(pk) for pk in request.POST.getlist("applications")}
    context = {
        "form": form,
        # Issue 10: a bounded list of checkboxes (the form still accepts any awaiting application).
        "awaiting_shown": list(awaiting[:AWAITING_SHOWN]),
        "awaiting_count": awaiting.count(),
        "chosen": chosen,
        "published": shown,
        "page": published,
        "next_number": next_number,
        "warnings": selectors.target_warnings(region) if region is not None else [],
    }
    return render(request, "whitelist/batches.html", context)
