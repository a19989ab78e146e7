"""EP-6 pharmacy sales import (.xlsx/.csv) on the shared preview → confirm mechanism (X-4); the format is
documented in docs/formats/pharmacy-purchases.md.

ID numbers are checked (GB 11643) and digested as each row is read: a parsed row holds only the keyed
digest and the masked number, never the number. Saving, in ``run_import``'s one transaction: the import
record, the purchases not seen before (a re-imported file adds nothing), and the warnings for purchases by
employees of enterprises in the importer's region (``pharmacy.match``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.errors import ServiceError
from sibao.core.import_jobs import ImportKind
from sibao.core.imports import Column, Importer, ImportResult, RowError, RowInvalid, run_import
from sibao.core.models import ImportJob
from sibao.core.permissions import require_capability
from sibao.core.protected import digest, mask_id_number
from sibao.core.roles import Capability
from sibao.core.tabular import write_xlsx
from sibao.core.validators import validate_id_number
from sibao.sentinel import pharmacy
from sibao.sentinel.models import DrugCategory, PharmacyImport, PharmacyPurchase
from sibao.sentinel.services import BATCH_SIZE

COLUMNS = [
    Column("pharmacy", "药店名称", required=True),
    Column("id_number", "身份证号码", required=True, help="18位居民身份证号码，含校验码"),
    Column("name", "姓名", required=True),
    Column("drug_name", "药品名称", required=True),
    Column("drug_category", "药品类别", required=True, help="退热类 / 止咳类 / 抗病毒类 / 抗生素类"),
    Column("purchased_at", "购药时间", required=True, help="如 2022-05-10 08:30，可只填日期"),
]
HEADER = {column.key: column.header for column in COLUMNS}
# File-format words: fixed Chinese, not translations.
CATEGORY_WORDS = {
    "退热类": DrugCategory.FEVER,
    "止咳类": DrugCategory.COUGH,
    "抗病毒类": DrugCategory.ANTIVIRAL,
    "抗生素类": DrugCategory.ANTIBIOTIC,
}
_CATEGORY_LOOKUP = {
    **{str(value): str(value) for value in DrugCategory.values},
    **{word: str(value) for word, value in CATEGORY_WORDS.items()},
    **{word.removesuffix("类"): str(value) for word, value in CATEGORY_WORDS.items()},
    "发热类": str(DrugCategory.FEVER),
    "退烧类": str(DrugCategory.FEVER),
    "抗菌药": str(DrugCategory.ANTIBIOTIC),
}
_DATETIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}(?:\.\d+)?))?\s*秒?)?$"
)
MAX_LENGTHS = {"pharmacy": 128, "name": 64, "drug_name": 128}
# A clock a few minutes ahead at the pharmacy is not an error; a date in the future is.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class PurchaseRow:
    """One checked row: the ID number is already digested (never kept, never in ``repr``)."""

    pharmacy: str
    id_digest: str
    id_masked: str
    name: str
    drug_name: str
    drug_category: str
    purchased_at: datetime

    def get_drug_category_display(self) -> str:
        return str(DrugCategory(self.drug_category).label)

    def key(self) -> tuple[str, datetime, str, str]:
        return (self.id_digest, self.purchased_at, self.pharmacy, self.drug_name)


def parse_datetime(raw: str) -> datetime:
    match = _DATETIME.match(raw.strip())
    if match is None:
        raise ValueError(raw)
    year, month, day, hour, minute, second = match.groups()
    value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(float(second or 0)))
    return timezone.make_aware(value)


def parse_row(record: dict[str, str], row_number: int) -> PurchaseRow:
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    for key in ("pharmacy", "name", "drug_name"):
        value = record.get(key, "").strip()
        if not value:
            errors.append((HEADER[key], _("This field is required.")))
        elif len(value) > MAX_LENGTHS[key]:
            errors.append((HEADER[key], _("At most %(count)d characters.") % {"count": MAX_LENGTHS[key]}))
        values[key] = value
    id_digest = id_masked = ""
    raw_number = record.get("id_number", "")
    if not raw_number.strip():
        errors.append((HEADER["id_number"], _("This field is required.")))
    else:
        try:
            number = validate_id_number(raw_number)
        except ValidationError as error:
            errors.append((HEADER["id_number"], error.messages[0]))
        else:
            id_digest, id_masked = digest(number), mask_id_number(number)
            del number
    raw_category = record.get("drug_category", "").strip()
    category = _CATEGORY_LOOKUP.get(raw_category)
    if category is None:
        errors.append(
            (
                HEADER["drug_category"],
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": raw_category, "allowed": "、".join(CATEGORY_WORDS)},
            )
        )
    purchased_at: datetime | None = None
    raw_time = record.get("purchased_at", "").strip()
    if not raw_time:
        errors.append((HEADER["purchased_at"], _("This field is required.")))
    else:
        try:
            purchased_at = parse_datetime(raw_time)
        except ValueError:
            errors.append((HEADER["purchased_at"], _("Enter a date and time such as 2022-05-10 08:30.")))
        else:
            if purchased_at > timezone.now() + FUTURE_TOLERANCE:
                errors.append((HEADER["purchased_at"], _("The time lies in the future.")))
    if errors:
        raise RowInvalid(errors)
    assert purchased_at is not None and category is not None
    return PurchaseRow(
        pharmacy=values["pharmacy"],
        id_digest=id_digest,
        id_masked=id_masked,
        name=values["name"],
        drug_name=values["drug_name"],
        drug_category=category,
        purchased_at=purchased_at,
    )


def _already_stored(rows: list[PurchaseRow]) -> set[tuple[str, datetime, str, str]]:
    digests = list({row.id_digest for row in rows})
    stored: set[tuple[str, datetime, str, str]] = set()
    for start in range(0, len(digests), BATCH_SIZE):
        stored.update(
            PharmacyPurchase.objects.filter(id_digest__in=digests[start : start + BATCH_SIZE]).values_list(
                "id_digest", "purchased_at", "pharmacy", "drug_name"
            )
        )
    return stored


def save_purchases(*, actor: User, rows: list[PurchaseRow], file_name: str) -> PharmacyImport:
    """Store the new purchases of a checked file and raise the warnings (caller's transaction)."""
    region = getattr(actor, "region", None)
    record = PharmacyImport.objects.create(
        region=region, file_name=file_name[:255], row_count=len(rows), created_by=actor if actor.pk else None
    )
    stored = _already_stored(rows)
    fresh: dict[tuple[str, datetime, str, str], PharmacyPurchase] = {}
    for row in rows:
        if row.key() in stored or row.key() in fresh:
            continue
        fresh[row.key()] = PharmacyPurchase(
            region=region,
            pharmacy_import=record,
            pharmacy=row.pharmacy,
            id_digest=row.id_digest,
            id_masked=row.id_masked,
            name=row.name,
            drug_name=row.drug_name,
            drug_category=row.drug_category,
            purchased_at=row.purchased_at,
        )
    purchases = list(fresh.values())
    matched, offered = pharmacy.match(purchases, region_path=region.path if region else None, now=timezone.now())
    PharmacyPurchase.objects.bulk_create(purchases, batch_size=BATCH_SIZE, ignore_conflicts=True)
    record.added_count, record.matched_count, record.warning_count = len(purchases), matched, offered
    record.save(update_fields=["added_count", "matched_count", "warning_count"])
    return record


def purchase_importer(*, actor: User, file_name: str) -> Importer[PurchaseRow]:
    def save_rows(rows: list[PurchaseRow]) -> dict[str, int]:
        with as_actor(actor):
            record = save_purchases(actor=actor, rows=rows, file_name=file_name)
        return {
            "saved": len(rows),
            "added": record.added_count,
            "matched": record.matched_count,
            "warnings": record.warning_count,
        }

    return Importer(columns=COLUMNS, parse_row=parse_row, save_rows=save_rows, max_rows=50_000)


def purchase_import(*, actor: User, upload: IO[bytes], filename: str, commit: bool) -> ImportResult[PurchaseRow]:
    """Preview or import a pharmacy file (EPIDEMIC_MANAGE). All or nothing: one bad row saves nothing."""
    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    try:
        return run_import(purchase_importer(actor=actor, file_name=filename), upload, filename, commit=commit)
    except ServiceError as refused:
        result: ImportResult[PurchaseRow] = ImportResult()
        result.errors.append(RowError(0, "", refused.message))
        return result


def _purchase_importer(actor: User, params: Mapping[str, Any]) -> Importer[PurchaseRow]:
    require_capability(actor, Capability.EPIDEMIC_MANAGE)
    return purchase_importer(actor=actor, file_name=str(params.get("file_name", "")))


def _preview_row(row: int, purchase: PurchaseRow) -> dict[str, Any]:
    return {
        "row": row,
        "pharmacy": purchase.pharmacy,
        "name": purchase.name,
        "id_masked": purchase.id_masked,  # never the number (EP-6)
        "drug_name": purchase.drug_name,
        "drug_category": purchase.get_drug_category_display(),
        "purchased_at": timezone.localtime(purchase.purchased_at).strftime("%Y-%m-%d %H:%M"),
    }


def _done_message(job: ImportJob) -> str:
    return _("%(added)d new purchases imported; %(matched)d by employees; %(warnings)d warnings raised.") % {
        "added": job.summary.get("added", 0),
        "matched": job.summary.get("matched", 0),
        "warnings": job.summary.get("warnings", 0),
    }


# Issue 8 #8: the import runs as a kernel job (core.import_jobs); listed on the AppConfig.
PHARMACY_IMPORT = ImportKind(
    key="pharmacy",
    title=gettext_lazy("Import pharmacy sales"),
    capability=Capability.EPIDEMIC_MANAGE,
    importer=_purchase_importer,
    preview_template="sentinel/_pharmacy_import_preview.html",
    preview_row=_preview_row,
    upload_url=lambda job: f"{reverse('sentinel:pharmacy_import')}?job={job.pk}",
    done_url=lambda job: reverse("sentinel:pharmacy_import"),
    done_message=_done_message,
)


def _notes() -> list[str]:
    lines = ["填写说明：第一行为列标题，请勿修改；带 * 的列必填；从第二行起每行一条购药记录。"]
    lines += [f"{'* ' if column.required else ''}{column.header}：{column.help or '文本'}" for column in COLUMNS]
    lines.append("身份证号码请设置为文本格式；平台读取后只保存其加密摘要和脱敏号码，不保存明文。")
    lines.append("导入时先预览校验，全部行无误后才会一次性保存；任何一行有错误，则不保存任何数据。")
    return lines


def import_template_xlsx() -> bytes:
    headers = [f"*{column.header}" if column.required else column.header for column in COLUMNS]
    return write_xlsx(headers, [], sheet_title="药店购药记录", notes=_notes())
