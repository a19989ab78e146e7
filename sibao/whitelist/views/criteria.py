"""WL-2 criteria pages: the sector's criteria in its region, a readable rule tree, a condition builder (the JSON
editor for administrators) with a live preview."""

import json
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.errors import ServiceError
from sibao.core.roles import Capability, Role
from sibao.core.rules import GROUP_LABELS, Explanation, describe_leaf, evaluate, validate_rule
from sibao.core.sectors import Sector
from sibao.core.views import capability_required
from sibao.enterprises.models import Enterprise
from sibao.enterprises.rule_fields import FIELDS
from sibao.regions.models import Region
from sibao.whitelist import services
from sibao.whitelist.default_criteria import DEFAULT_CRITERIA_003, criteria_for_region
from sibao.whitelist.models import Criteria, CriteriaStatus
from sibao.whitelist.oversight_forms import CriteriaForm, root_region
from sibao.whitelist.rule_builder import builder_regions, builder_schema

PREVIEW_FAILING = 20  # enterprises shown with their failed conditions; the preview must stay cheap


# --- Showing a rule -------------------------------------------------------------------------------


def rule_rows(rule: Any) -> list[dict[str, Any]]:
    """The (valid) rule flattened for display: one row per group or condition, with its depth and Chinese label."""
    rows: list[dict[str, Any]] = []

    def walk(node: Mapping[str, Any], depth: int) -> None:
        group = next((name for name in GROUP_LABELS if name in node), None)
        if group is None:
            value = json.dumps(node.get("value"), ensure_ascii=False) if "value" in node else ""
            rows.append(
                {
                    "depth": depth,
                    "label": node.get("label") or describe_leaf(node, FIELDS),
                    "group": None,
                    "detail": f"{node['field']} {node['op']} {value}".strip(),
                }
            )
            return
        rows.append({"depth": depth, "label": node.get("label", ""), "group": group, "meaning": GROUP_LABELS[group]})
        for child in node[group]:
            walk(child, depth + 1)

    walk(rule, 0)
    return rows


def _actual(leaf: Explanation) -> str:
    """What the enterprise has for a failed condition, in words."""
    spec = FIELDS[leaf.field or ""]
    actual = leaf.actual
    if spec.records is not None:
        kinds = dict(spec.records.kinds)
        return "; ".join(f"{item['occurred_on']:%Y-%m-%d} {kinds.get(item['kind'], item['kind'])}" for item in actual)
    if actual is None:
        return "—"
    if spec.kind == "bool":
        return _("Yes") if actual else _("No")
    if spec.kind == "choice":
        return spec.choice_label(actual)
    return str(actual)


def rule_preview(rule: Any, region: Region | None, sector: str | None) -> dict[str, Any]:
    """Validation errors, or the readable tree and how the region's enterprises of the sector fare now."""
    if rule is None:
        return {"empty": True}
    errors = validate_rule(rule, FIELDS)
    if errors:
        return {"errors": errors}
    preview: dict[str, Any] = {"rows": rule_rows(rule)}
    if region is None or not sector:
        return preview
    matches = services.criteria_matches(Criteria(region=region, sector=sector, rule=rule))
    everyone = Enterprise.objects.filter(region__path__startswith=region.path, sector=sector)
    failing = (
        everyone.exclude(pk__in=matches.values("pk"))
        .select_related("region")
        .prefetch_related("records")
        .order_by("name", "pk")[:PREVIEW_FAILING]
    )
    today = timezone.localdate()
    preview |= {
        "region": region,
        "sector_label": Sector(sector).label,
        "total": everyone.count(),
        "matching": matches.count(),
        "failing": [
            (
                enterprise,
                [
                    (leaf, _actual(leaf))
                    for leaf in evaluate(rule, enterprise, today=today, fields=FIELDS).failed_leaves()
                ],
            )
            for enterprise in failing
        ],
        "failing_limit": PREVIEW_FAILING,
    }
    return preview


# --- Pages ------------------------------------------------------------------------------------------


def _is_admin(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMINISTRATOR)


@login_required
@capability_required(Capability.WHITELIST_CRITERIA)
def criteria_list(request: AuthenticatedRequest) -> HttpResponse:
    user: Any = request.user
    own = Criteria.objects.visible_to(user).select_related("region", "published_by")
    if user.region_id and not _is_admin(user):
        own = own.filter(region=user.region)
    sectors = [user.sector] if user.sector else list(Sector.values)
    context = {
        "criteria": own.order_by("region__code", "sector", "status", "-updated_at"),
        "above": [(criteria, rule_rows(criteria.rule)) for criteria in _in_force_above(user, sectors)],
        "region": user.region if user.region_id else None,
    }
    return render(request, "whitelist/criteria_list.html", context)


def _in_force_above(user: Any, sectors: list[str]) -> list[Criteria]:
    """Per sector, the published criteria of the nearest region above the user's (they apply where it has none)."""
    if not user.region_id:
        return []
    codes = user.region.ancestor_codes()[:-1]
    published = Criteria.objects.filter(
        status=CriteriaStatus.PUBLISHED, sector__in=sectors, region__code__in=codes
    ).select_related("region")
    nearest: dict[str, Criteria] = {}
    for criteria in sorted(published, key=lambda item: len(item.region.path)):
        nearest[criteria.sector] = criteria
    return [nearest[sector] for sector in sectors if sector in nearest]


@login_required
@capability_required(Capability.WHITELIST_CRITERIA)
def criteria_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    user: Any = request.user
    criteria = Criteria.objects.select_related("region").get_visible(user, pk=pk) if pk else None
    region: Region | None = criteria.region if criteria else (user.region if user.region_id else None)
    sector: str | None = criteria.sector if criteria else (user.sector or None)
    options = {"user": user, "ask_region": region is None, "ask_sector": not sector}
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = CriteriaForm(request.POST or None, **options)
    valid = form.is_valid() if action else False
    cleaned = form.cleaned_data if action else {}
    region = region or cleaned.get("region")
    sector = sector or cleaned.get("sector")
    rule: Any = cleaned.get("rule") if action else (criteria.rule if criteria else None)

    if action == "template":
        # 003#二 with this region filled in; nothing is saved until "save".
        initial: dict[str, Any] = {name: request.POST.get(name, "") for name in ("title", "source", "region", "sector")}
        initial["title"] = initial["title"] or DEFAULT_CRITERIA_003["label"]
        rule = initial["rule"] = criteria_for_region((region or root_region(user)).code)
        form = CriteriaForm(initial=initial, **options)
    elif not action:
        initial = {"title": criteria.title, "source": criteria.source, "rule": criteria.rule} if criteria else {}
        form = CriteriaForm(initial=initial, **options)
    elif action == "save" and valid and region is not None and sector:
        try:
            saved = services.criteria_save(
                actor=user,
                region=region,
                sector=sector,
                title=cleaned["title"],
                rule=rule,
                source=cleaned["source"],
                criteria=criteria,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The draft was saved. Publish it when it is ready."))
            return redirect("whitelist:criteria_edit", pk=saved.pk)

    if rule is None and action and "rule" in form.errors:  # not JSON, or empty
        preview: dict[str, Any] = {"errors": list(form.errors["rule"])}
    else:
        preview = rule_preview(rule, region, sector)
    if action == "preview" and request.headers.get("HX-Request"):
        return render(request, "whitelist/criteria_preview.html", {"preview": preview})
    context = {
        "criteria": criteria,
        "form": form,
        "region": region,
        "sector_label": Sector(sector).label if sector else "",
        "is_draft": criteria is None or criteria.status == CriteriaStatus.DRAFT,
        "preview": preview,
        # Issue 9 #9: officials build the rule from lists; the JSON stays visible for administrators.
        "builder_schema": builder_schema(FIELDS, builder_regions(region or root_region(user))),
        "show_json": _is_admin(user),
    }
    return render(request, "whitelist/criteria_edit.html", context)


@login_required
@capability_required(Capability.WHITELIST_CRITERIA)
@require_POST
def criteria_publish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criteria = Criteria.objects.select_related("region").get_visible(request.user, pk=pk)
    try:
        services.criteria_publish(actor=request.user, criteria=criteria)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("whitelist:criteria_edit", pk=criteria.pk)
    messages.success(
        request, _("“%(title)s” is published; the criteria published before it are retired.") % {"title": criteria}
    )
    return redirect("whitelist:criteria")
