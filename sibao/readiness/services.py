"""EP-10 / EP-11 writes. The enterprise keeps its own stock and readiness (EPIDEMIC_REPORT); every change
goes through here, inside one transaction, attributed in the audit log."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.permissions import require_capability
from sibao.core.roles import Capability
from sibao.core.uploads import upload_check
from sibao.enterprises.models import Enterprise
from sibao.notifications.texts import Clauses, later
from sibao.parameters.registry import WHITELIST_ATTACHMENT_MAX_MB
from sibao.parameters.selectors import parameter_value
from sibao.readiness import selectors
from sibao.readiness.models import Drill, Readiness, SupplyItem, SupplyReport, SupplyStock
from sibao.sentinel.models import WarningKind
from sibao.sentinel.services import warning_lift, warning_raise

MAX_QUANTITY = Decimal("9999999999")
# An emergency plan is a document: PDF or Word, checked by the kernel's upload validator (content included).
PLAN_TYPES = (".pdf", ".docx", ".doc")


def _check(actor: User, enterprise: Enterprise) -> None:
    """The enterprise's own duty (EPIDEMIC_REPORT), and only for an enterprise the actor can see."""
    require_capability(actor, Capability.EPIDEMIC_REPORT)
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionRefused("readiness.out_of_scope", _("This enterprise is outside your scope."))


def supplies_subject(enterprise: Enterprise) -> str:
    return f"supplies:{enterprise.pk}"


def supplies_check(enterprise: Enterprise) -> bool:
    """Raise the EP-10 shortfall warning when any supply is below reserve, lift it when none is.

    Returns whether the enterprise is short. Called after each stock report; callers that change the
    reserve's inputs (headcount, parameters) may call it too."""
    status = selectors.supply_status(enterprise)
    short = status.short_lines
    if short:
        # Issue 9 #8: kept as msgids and parameters, said in each reader's language.
        detail = later(
            gettext_noop("Below reserve for %(staff)s staff: %(items)s."),
            staff=status.headcount.count,
            items=Clauses(
                tuple(
                    later(
                        gettext_noop("%(item)s %(stock)s of %(reserve)s"),
                        item=SupplyItem(line.item).label,
                        stock=line.stock,
                        reserve=line.reserve,
                    )
                    for line in short
                )
            ),
        )
        warning_raise(
            kind=WarningKind.SUPPLIES_SHORTFALL,
            enterprise=enterprise,
            subject_key=supplies_subject(enterprise),
            detail=detail,
        )
        return True
    warning_lift(
        kind=WarningKind.SUPPLIES_SHORTFALL,
        subject_keys=[supplies_subject(enterprise)],
        note=_("Stock restored to the reserve."),
    )
    return False


def _quantity(item: str, raw: Any) -> Decimal:
    label = SupplyItem(item).label
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(
            "readiness.stock.quantity", _("%(item)s: enter a number.") % {"item": label}, field=item
        ) from None
    if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
        raise ServiceError(
            "readiness.stock.quantity",
            _("%(item)s: enter a quantity from 0 to %(max)s.") % {"item": label, "max": MAX_QUANTITY},
            field=item,
        )
    if item != SupplyItem.DISINFECTANT and value != value.to_integral_value():
        raise ServiceError(
            "readiness.stock.quantity", _("%(item)s: enter a whole number.") % {"item": label}, field=item
        )
    return value.quantize(Decimal("0.01"))


def stock_report(
    *, actor: User, enterprise: Enterprise, quantities: Mapping[str, Any], note: str = ""
) -> list[SupplyReport]:
    """EP-10: the enterprise reports its current stock of some or all supplies.

    Each changed figure updates ``SupplyStock`` and adds a ``SupplyReport`` row; the shortfall warning is
    raised or lifted in the same transaction. Returns the report rows written (unchanged figures write none)."""
    _check(actor, enterprise)
    unknown = [key for key in quantities if key not in SupplyItem.values]
    if unknown:
        raise ServiceError(
            "readiness.stock.item", _("Unknown supply: %(item)s.") % {"item": unknown[0]}, field=unknown[0]
        )
    if not quantities:
        raise ServiceError("readiness.stock.empty", _("Enter at least one quantity."))
    parsed = {item: _quantity(item, raw) for item, raw in quantities.items() if raw is not None and raw != ""}
    if not parsed:
        raise ServiceError("readiness.stock.empty", _("Enter at least one quantity."))
    now = timezone.now()
    written: list[SupplyReport] = []
    with transaction.atomic(), as_actor(actor):
        for item, quantity in parsed.items():
            stock, created = SupplyStock.objects.select_for_update().get_or_create(
                enterprise=enterprise,
                item=item,
                defaults={"quantity": quantity, "updated_at": now, "updated_by": actor},
            )
            previous = Decimal(0) if created else stock.quantity
            if not created:
                if stock.quantity == quantity:
                    continue
                stock.quantity = quantity
                stock.updated_at = now
                stock.updated_by = actor
                stock.save(update_fields=["quantity", "updated_at", "updated_by"])
            written.append(
                SupplyReport.objects.create(
                    enterprise=enterprise,
                    item=item,
                    previous_quantity=previous,
                    quantity=quantity,
                    note=note[:255],
                    reported_by=actor,
                    reported_at=now,
                )
            )
        supplies_check(enterprise)
    return written


def _readiness_for_update(enterprise: Enterprise) -> Readiness:
    readiness, _created = Readiness.objects.select_for_update().get_or_create(enterprise=enterprise)
    return readiness


def readiness_save(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> Readiness:
    """EP-11: task force (a leadership member responsible, members), observation rooms, sampling booth."""
    _check(actor, enterprise)
    leader_name = str(data.get("leader_name") or "").strip()
    leader_post = str(data.get("leader_post") or "").strip()
    if leader_name and not leader_post:
        raise ServiceError(
            "readiness.leader_post",
            _("Give the post of the leadership member responsible (e.g. deputy general manager)."),
            field="leader_post",
        )
    if len(leader_name) > 64 or len(leader_post) > 64:
        raise ServiceError(
            "readiness.leader_length", _("Name and post are at most 64 characters each."), field="leader_name"
        )
    try:
        rooms = int(data.get("observation_rooms") or 0)
    except (TypeError, ValueError):
        raise ServiceError(
            "readiness.rooms", _("Observation rooms: enter a whole number."), field="observation_rooms"
        ) from None
    if not 0 <= rooms <= 100000:
        raise ServiceError(
            "readiness.rooms", _("Observation rooms: enter a number from 0 to 100000."), field="observation_rooms"
        )
    with transaction.atomic(), as_actor(actor):
        readiness = _readiness_for_update(enterprise)
        readiness.leader_name = leader_name
        readiness.leader_post = leader_post
        readiness.members = str(data.get("members") or "").strip()[:5000]
        readiness.observation_rooms = rooms
        readiness.has_sampling_booth = bool(data.get("has_sampling_booth"))
        readiness.save()
    return readiness


def plan_upload(*, actor: User, enterprise: Enterprise, upload: UploadedFile, plan_date: date | None) -> Readiness:
    """EP-11: the emergency plan (应急处置预案), a PDF or Word file no larger than the attachment limit."""
    _check(actor, enterprise)
    limit_mb = parameter_value(WHITELIST_ATTACHMENT_MAX_MB, enterprise.region)
    name = upload_check(upload, extensions=PLAN_TYPES, max_bytes=int(limit_mb * 2**20), code="readiness.plan")
    extension = Path(name).suffix.lower()
    if plan_date is not None and plan_date > timezone.localdate():
        raise ServiceError("readiness.plan.date", _("The plan's date cannot be in the future."), field="plan_date")
    with transaction.atomic(), as_actor(actor):
        readiness = _readiness_for_update(enterprise)
        stale = readiness.plan_file.name if readiness.plan_file else ""
        storage = readiness.plan_file.storage
        readiness.plan_file.save(f"{enterprise.pk}{extension}", upload, save=False)
        readiness.plan_name = name[:200]
        readiness.plan_size = upload.size or 0
        readiness.plan_date = plan_date or timezone.localdate()
        readiness.save()
        if stale and stale != readiness.plan_file.name:
            # The old file goes only once the replacement is committed; a rollback keeps it.
            transaction.on_commit(lambda: storage.delete(stale))
    return readiness


def drill_record(*, actor: User, enterprise: Enterprise, held_on: date, note: str = "") -> Drill:
    """EP-11: an emergency drill held on ``held_on``."""
    _check(actor, enterprise)
    if held_on is None:
        raise ServiceError("readiness.drill.date", _("Enter the date of the drill."), field="held_on")
    if held_on > timezone.localdate():
        raise ServiceError("readiness.drill.future", _("A drill cannot be recorded in the future."), field="held_on")
    with transaction.atomic(), as_actor(actor):
        return Drill.objects.create(enterprise=enterprise, held_on=held_on, note=note.strip()[:5000], recorded_by=actor)


def supplies_recheck_all() -> dict[str, int]:
    """Re-evaluate the shortfall of every enterprise that has reported stock or has an open warning.

    The reserve moves without a stock report when staff are registered or leave, or when a county changes
    a reserve parameter; this periodic pass raises and lifts the warnings accordingly (idempotent)."""
    from sibao.sentinel.models import SentinelWarning
    from sibao.sentinel.services import OPEN_STATUSES

    open_ids = SentinelWarning.objects.filter(
        kind=WarningKind.SUPPLIES_SHORTFALL, status__in=OPEN_STATUSES
    ).values_list("enterprise_id", flat=True)
    stocked_ids = SupplyStock.objects.values_list("enterprise_id", flat=True)
    ids = set(open_ids) | set(stocked_ids)
    short = 0
    for enterprise in Enterprise.objects.filter(pk__in=ids).select_related("region").order_by("pk"):
        with transaction.atomic():
            short += supplies_check(enterprise)
    return {"checked": len(ids), "short": short}
