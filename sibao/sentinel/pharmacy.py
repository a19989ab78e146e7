"""EP-6, 001#annex2-二.5: purchases of the four drug types (fever, cough, antiviral, antibiotic).

A purchase by an employed person of an enterprise inside the importing region raises one DRUG_PURCHASE
warning per person and day (``subject_key`` ``drug:<employee>:<date>``). Purchases by anyone else are
kept (ID digest and masked number only) and matched later, when the person is registered as an employee
(``match_pending``, run by the periodic sweep). Matching is by the keyed ID digest, set-wise.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from sibao.epidemic.models import Employee
from sibao.notifications.texts import LaterText, later, stored_words
from sibao.sentinel.models import DrugCategory, PharmacyPurchase, SentinelWarning, WarningKind
from sibao.sentinel.services import BATCH_SIZE, warnings_raise_bulk

# Purchases older than this are not turned into warnings when matched later (a warning about a purchase
# of weeks ago helps nobody). Not a seed number; ask for a parameter if regions need to differ.
LATER_MATCH_DAYS = 14


def _employees_by_digest(digests: Sequence[str]) -> dict[str, list[tuple[int, int, str, str]]]:
    """Active employees with these ID digests: digest → [(pk, enterprise_id, name, region path)]."""
    found: dict[str, list[tuple[int, int, str, str]]] = {}
    unique = list(dict.fromkeys(digests))
    for start in range(0, len(unique), BATCH_SIZE):
        rows = Employee.objects.filter(is_active=True, id_digest__in=unique[start : start + BATCH_SIZE]).values_list(
            "id_digest", "pk", "enterprise_id", "name", "enterprise__region__path"
        )
        for digest, pk, enterprise_id, name, path in rows.order_by("pk"):
            found.setdefault(digest, []).append((pk, enterprise_id, name, path))
    return found


def detail(purchase: PharmacyPurchase, name: str) -> LaterText:
    """The warning's words, kept as msgid and parameters for each reader's language (issue 9 #8)."""
    return later(
        gettext_noop("%(name)s bought %(drug)s (%(category)s) at %(pharmacy)s on %(at)s."),
        name=name,
        drug=purchase.drug_name,
        category=DrugCategory(purchase.drug_category).label,
        pharmacy=purchase.pharmacy,
        at=purchase.purchased_at,
    )


def match(purchases: Iterable[PharmacyPurchase], *, region_path: str | None, now: datetime) -> tuple[int, int]:
    """Set ``employee`` on the purchases made by employees of enterprises under ``region_path`` (None: any)
    and raise their warnings. The purchases are not saved here. Returns (purchases matched, warnings offered)."""
    purchases = list(purchases)
    employees = _employees_by_digest([p.id_digest for p in purchases])
    warnings: dict[str, SentinelWarning] = {}
    matched = 0
    for purchase in purchases:
        candidates = [
            e for e in employees.get(purchase.id_digest, []) if not region_path or e[3].startswith(region_path)
        ]
        if not candidates:
            continue
        matched += 1
        purchase.employee_id = candidates[0][0]
        day = timezone.localtime(purchase.purchased_at).date().isoformat()
        for pk, enterprise_id, name, _path in candidates:
            key = f"drug:{pk}:{day}"
            if key not in warnings:  # several purchases on one day: one warning, about the first
                words, stored = stored_words(detail(purchase, name), 500)
                warnings[key] = SentinelWarning(
                    kind=WarningKind.DRUG_PURCHASE,
                    enterprise_id=enterprise_id,
                    employee_id=pk,
                    subject_key=key,
                    detail=words,
                    detail_text=stored,
                    raised_at=now,
                )
    offered = warnings_raise_bulk(warnings.values())
    return matched, offered


def match_pending(now: datetime) -> dict[str, int]:
    """Match the kept purchases of the last ``LATER_MATCH_DAYS`` to people registered since."""
    since = now - timedelta(days=LATER_MATCH_DAYS)
    pending = PharmacyPurchase.objects.filter(employee__isnull=True, purchased_at__gte=since)
    registered = Employee.objects.filter(is_active=True).values("id_digest")
    purchases = list(pending.filter(id_digest__in=registered).select_related("region"))
    if not purchases:
        return {"matched": 0, "raised": 0}
    by_region: dict[str | None, list[PharmacyPurchase]] = {}
    for purchase in purchases:
        by_region.setdefault(purchase.region.path if purchase.region else None, []).append(purchase)
    matched = raised = 0
    with transaction.atomic():
        for region_path, group in by_region.items():
            count, offered = match(group, region_path=region_path, now=now)
            matched += count
            raised += offered
        PharmacyPurchase.objects.bulk_update(
            [p for p in purchases if p.employee_id is not None], ["employee"], batch_size=BATCH_SIZE
        )
    return {"matched": matched, "raised": raised}


def purchases_for(*, user: Any) -> Any:
    return PharmacyPurchase.objects.visible_to(user).select_related("employee", "employee__enterprise")
