"""EP-6 demo data: overdue-test warnings from the sweep, a small pharmacy file with purchases by two demo
employees and one non-employee, and one warning taken and closed with a note. Idempotent; skips what it
cannot do when the demo employees or users are missing."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.protected import digest, mask_id_number
from sibao.epidemic.models import Employee
from sibao.sentinel.imports import PurchaseRow, save_purchases
from sibao.sentinel.models import DrugCategory, PharmacyImport, SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.services import warning_close, warning_take
from sibao.sentinel.sweeps import overdue_sweep

DEMO_FILE = "演示-通许县药店购药记录.csv"
DEMO_NOTE = "已电话联系本人：系为家人代购退热药，本人无发热、咳嗽症状；已提醒其做好健康监测并于当日完成核酸检测。"
DEMO_HANDLER = "tongxu_epidemic"
# (A drug-purchase warning: closing an overdue-test one would be raised again by the next sweep.)
# A valid, made-up number (not an employee): kept as a digest for later matching.
OUTSIDER_NUMBER = "410222199203150022"
EARLIER_SWEEP_HOURS = 12


def _purchase_rows(employees: list[Employee], day: datetime) -> list[PurchaseRow]:
    drugs = [("布洛芬缓释胶囊", DrugCategory.FEVER), ("复方甘草片", DrugCategory.COUGH)]
    rows = [
        PurchaseRow(
            pharmacy="通许县百姓大药房（咸平店）",
            id_digest=employee.id_digest,
            id_masked=employee.id_masked,
            name=employee.name,
            drug_name=drug,
            drug_category=category,
            purchased_at=day + timedelta(hours=9 + index),
        )
        for index, (employee, (drug, category)) in enumerate(zip(employees, drugs, strict=False))
    ]
    rows.append(
        PurchaseRow(
            pharmacy="通许县百姓大药房（咸平店）",
            id_digest=digest(OUTSIDER_NUMBER),
            id_masked=mask_id_number(OUTSIDER_NUMBER),
            name="赵某",
            drug_name="阿莫西林胶囊",
            drug_category=DrugCategory.ANTIBIOTIC,
            purchased_at=day + timedelta(hours=15),
        )
    )
    return rows


def load_demo_sentinel() -> dict[str, int]:
    """``{"raised", "lifted", "purchases", "drug_warnings", "closed"}`` — what this run added."""
    counts = {"raised": 0, "lifted": 0, "purchases": 0, "drug_warnings": 0, "closed": 0}
    if not Employee.objects.exists():
        return counts
    now = timezone.now()
    with transaction.atomic():
        if not SentinelWarning.objects.filter(kind=WarningKind.OVERDUE_TEST).exists():
            # The demo plays a platform that has been running (issue 9 #1): the sweep of half a day ago raised
            # the warnings of those already overdue then, and nobody has taken them since ("unattended").
            earlier = overdue_sweep(now - timedelta(hours=EARLIER_SWEEP_HOURS))
            counts["raised"] += earlier["raised"]
        swept = overdue_sweep(now)
        counts["raised"] += swept["raised"]
        counts["lifted"] += swept["lifted"]
        handler = User.objects.filter(username=DEMO_HANDLER, is_active=True).first()
        if handler is not None and not PharmacyImport.objects.filter(file_name=DEMO_FILE).exists():
            employees = list(
                Employee.objects.filter(
                    is_active=True, enterprise__region__path__startswith=handler.region.path
                ).order_by("pk")[:2]
                if handler.region
                else []
            )
            if employees:
                yesterday = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(0, 0)))
                record = save_purchases(actor=handler, rows=_purchase_rows(employees, yesterday), file_name=DEMO_FILE)
                counts["purchases"], counts["drug_warnings"] = record.added_count, record.warning_count
        demo_closed = SentinelWarning.objects.filter(status=WarningStatus.CLOSED, handling_note=DEMO_NOTE).exists()
        if handler is not None and not demo_closed:
            warning = (
                SentinelWarning.objects.visible_to(handler)
                .filter(status=WarningStatus.OPEN, kind=WarningKind.DRUG_PURCHASE)
                .order_by("pk")
                .first()
            )
            if warning is not None:
                warning = warning_take(actor=handler, warning=warning)
                warning_close(actor=handler, warning=warning, note=DEMO_NOTE)
                counts["closed"] = 1
    return counts
