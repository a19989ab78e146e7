"""A small hand-made world for the retention tests: in 通许县 and in 新郑市 (another county), one person's
events of every registered kind, one old (40 days) and one recent (2 days)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from conftest import Personas, make_user, region
from sibao.accounts.models import User
from sibao.core.personal_data import registered_personal_tables
from sibao.core.roles import Role
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import CodeColour, TestImport, TestOutcome, TestResult, Zone, ZoneMove
from sibao.health.models import ArrivalSighting, CodeBasis, DailyReport, HealthCodeChange, ReportSymptom
from sibao.health.tests.factories import employee
from sibao.logistics.models import Checkpoint, CheckpointKind, PassCheck
from sibao.retention.purging import table_rows
from sibao.sentinel.models import DrugCategory, PharmacyImport, PharmacyPurchase
from sibao.venues.models import Scan
from sibao.venues.tests.factories import VenueFactory

OLD_DAYS = 40
NEW_DAYS = 2


@dataclass
class World:
    now: datetime
    xinzheng_epidemic: User


def _events(enterprise: Enterprise, uploader: User, at: datetime, tag: str) -> None:
    person = employee(enterprise, name=f"员工{tag}", actor=uploader)
    digest = f"{tag:0>64}"
    results = TestImport.objects.create(institution="检测机构", file_name=f"{tag}.csv", sha256=tag, created_by=uploader)
    TestResult.objects.create(
        id_digest=digest, sampled_at=at, result=TestOutcome.NEGATIVE, institution="检测机构", test_import=results
    )
    Scan.objects.create(venue=VenueFactory(enterprise=enterprise), id_digest=digest, scanned_at=at)
    ZoneMove.objects.filter(
        pk=ZoneMove.objects.create(employee=person, from_zone=Zone.GREEN, to_zone=Zone.BLUE, reason="到岗").pk
    ).update(moved_at=at)
    code = HealthCodeChange.objects.create(
        employee=person, from_colour=CodeColour.GREEN, to_colour=CodeColour.YELLOW, basis=CodeBasis.OTHER
    )
    HealthCodeChange.objects.filter(pk=code.pk).update(changed_at=at)
    report = DailyReport.objects.create(enterprise=enterprise, day=timezone.localdate(at), people_on_site=10)
    DailyReport.objects.filter(pk=report.pk).update(filed_at=at)
    ReportSymptom.objects.create(report=report, employee=person, symptoms="fever")
    ArrivalSighting.objects.create(
        enterprise=enterprise, id_digest=digest, id_masked="410***********1234", name="访客", seen_at=at, source="门岗"
    )
    county = enterprise.region.parent
    checkpoint = Checkpoint.objects.create(region=county, name=f"检查点{tag}", kind=CheckpointKind.HIGHWAY_EXIT)
    PassCheck.objects.create(checkpoint=checkpoint, day=timezone.localdate(at), checked_at=at, failures=0)
    pharmacy = PharmacyImport.objects.create(region=enterprise.region, file_name=f"{tag}.csv")
    PharmacyPurchase.objects.create(
        region=enterprise.region,
        pharmacy_import=pharmacy,
        pharmacy="大药房",
        id_digest=digest,
        id_masked="410***********1234",
        name="购药人",
        drug_name="布洛芬",
        drug_category=DrugCategory.FEVER,
        purchased_at=at,
    )


def build(personas: Personas) -> World:
    now = timezone.now()
    xinzheng_epidemic = make_user("p_xinzheng_epidemic", Role.EPIDEMIC, region=region("410184"))
    for enterprise, uploader, place in (
        (personas.ent_a, personas.tongxu_epidemic, "t"),
        (personas.ent_xinzheng, xinzheng_epidemic, "x"),
    ):
        _events(enterprise, uploader, now - timedelta(days=OLD_DAYS), f"{place}old")
        _events(enterprise, uploader, now - timedelta(days=NEW_DAYS), f"{place}new")
    return World(now=now, xinzheng_epidemic=xinzheng_epidemic)


def counts(county_code: str | None = None) -> dict[str, int]:
    """Rows of every kind (in one county's subtree when given)."""
    found = {}
    for table in registered_personal_tables():
        rows = table_rows(table)
        if county_code:
            rows = rows.filter(**{f"{table.region_field}__path__contains": f"{county_code}/"})
        found[table.kind] = rows.count()
    return found
