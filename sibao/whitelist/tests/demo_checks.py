"""The demo whitelist that ``load_demo`` plays through the services: its figures, its history, idempotency."""

import re
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from sibao.accounts.models import User
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.core.workflow import history
from sibao.enterprises.models import Enterprise, ServiceLevel
from sibao.notifications.models import Notification
from sibao.organisation.models import Liaison
from sibao.regions.models import Region
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.demo import load_demo_whitelist, tiny_pdf
from sibao.whitelist.models import (
    Application,
    ApplicationState,
    Attachment,
    AttachmentKind,
    Batch,
    ChainFlag,
    Criteria,
    CriteriaStatus,
    Listing,
    Removal,
    RemovalState,
    SpotCheck,
)
from sibao.whitelist.selectors import coverage, liaison_gaps, listing_status

S = ApplicationState
COUNTIES = {"410222": "tongxu", "410184": "xinzheng"}


def by_sector(code: str) -> dict[str, Any]:
    return {item.sector: item for item in coverage(Region.objects.get(code=code))}


def county_applications(code: str) -> Any:
    return Application.objects.filter(enterprise__region__path__contains=f"/{code}/")


def pdf_is_well_formed(content: bytes) -> bool:
    """Header, trailer and every cross-reference offset pointing at its object."""
    if not content.startswith(b"%PDF-1.") or not content.rstrip().endswith(b"%%EOF"):
        return False
    start = int(re.search(rb"startxref\n(\d+)", content).group(1))  # type: ignore[union-attr]
    if not content[start:].startswith(b"xref"):
        return False
    entries = re.findall(rb"(\d{10}) 00000 n ", content[start:])
    return bool(entries) and all(
        content[int(offset) :].startswith(b"%d 0 obj" % number) for number, offset in enumerate(entries, start=1)
    )


def test_criteria_are_published_from_the_seed() -> None:
    xinxian = Criteria.objects.filter(region__code="411523", status=CriteriaStatus.PUBLISHED)
    assert {(c.sector, c.source) for c in xinxian} == {(Sector.INDUSTRY, "003#二"), (Sector.COMMERCE, "003#二")}
    assert all(c.rule == criteria_for_region("411523") for c in xinxian)
    for code, prefix in COUNTIES.items():
        published = Criteria.objects.filter(region__code=code, status=CriteriaStatus.PUBLISHED)
        assert {c.sector for c in published} == {Sector.INDUSTRY, Sector.COMMERCE}
        assert all(c.rule == criteria_for_region(code) for c in published)
        assert {c.published_by.username for c in published} == {f"{prefix}_industry", f"{prefix}_commerce"}


@pytest.mark.parametrize("code", COUNTIES)
def test_first_batch_leaves_industry_visibly_short_of_seventy_percent(code: str) -> None:
    (batch,) = Batch.objects.filter(region__code=code)
    assert batch.number == 1
    assert batch.published_by.username == f"{COUNTIES[code]}_hq"

    industry = by_sector(code)[Sector.INDUSTRY]
    assert Decimal("55") <= industry.percent <= Decimal("65")
    assert not industry.meets_target
    assert industry.gap and any(row["closes_gap"] for row in industry.gap)
    assert 0 < by_sector(code)[Sector.COMMERCE].percent < 70


@pytest.mark.parametrize("code", COUNTIES)
def test_applications_in_every_state(code: str) -> None:
    states = dict.fromkeys(S.values, 0)
    for state in county_applications(code).values_list("state", flat=True):
        states[state] += 1

    assert states[S.LISTED] == Listing.objects.current().filter(enterprise__region__path__contains=f"/{code}/").count()
    assert states[S.LISTED] >= 5
    assert states[S.APPROVED] == 2
    assert states[S.SUBMITTED] == 2
    assert states[S.RETURNED] == 1
    assert states[S.REJECTED] == 1
    submitted = county_applications(code).filter(state=S.SUBMITTED)
    assert {a.precheck_passed for a in submitted} == {True, False}  # one shows the reviewer a failed pre-check
    rejected = county_applications(code).get(state=S.REJECTED)
    assert rejected.precheck_passed is False
    assert "不符合遴选标准" in rejected.decision_reason


def test_every_application_has_both_attachments_as_real_pdfs() -> None:
    applications = Application.objects.exclude(state=S.DRAFT)
    assert applications.exists()
    for application in applications:
        kinds = set(application.attachments.values_list("kind", flat=True))
        assert kinds == {AttachmentKind.APPLICATION_FORM, AttachmentKind.COMMITMENT}
    for attachment in Attachment.objects.all()[:6]:
        with attachment.file.open("rb") as stored:
            assert pdf_is_well_formed(stored.read())


def test_history_is_real_and_review_follows_the_service_level() -> None:
    for listing in Listing.objects.select_related("application", "enterprise__region"):
        log = {entry.action: entry for entry in history(listing.application)}
        assert list(log) == ["submit", "approve", "publish"]
        assert log["submit"].actor.enterprise_id == listing.enterprise_id
        reviewer = log["approve"].actor
        assert reviewer.role == Role.SECTOR_DEPARTMENT and reviewer.sector == listing.sector
        assert reviewer.region.level == listing.service_level  # 分级保障
        assert log["publish"].actor.role == Role.HQ_OFFICE
    assert Listing.objects.exclude(service_level=ServiceLevel.COUNTY).exists()  # the demo shows a city review
    assert LogEntry.objects.get_for_model(Listing).filter(actor__isnull=False).exists()  # audit-logged


def test_liaisons_mostly_complete_with_deliberate_gaps() -> None:
    for code, prefix in COUNTIES.items():
        region = Region.objects.get(code=code)
        listed = Enterprise.objects.filter(
            region__path__startswith=region.path, listings__removed_at__isnull=True
        ).distinct()
        gaps = list(liaison_gaps(User.objects.get(username=f"{prefix}_hq"), region))
        assert 0 < len(gaps) < listed.count() / 2
        assert any(not Liaison.objects.filter(enterprise=e).exists() for e in gaps)  # one has nobody yet
        assert any(Liaison.objects.filter(enterprise=e).exists() for e in gaps)  # others miss one of three
    names = Liaison.objects.values_list("liaison_cadre__name", "epidemic_officer__name")
    assert all(name is None or name.startswith("示例·") for pair in names for name in pair)  # no real officials


def test_spot_check_and_a_pending_removal() -> None:
    (removal,) = Removal.objects.select_related("listing__enterprise__region", "spot_check")
    assert removal.state == RemovalState.PROPOSED
    assert removal.spot_check is not None and removal.spot_check.result == "failed"
    assert removal.listing.removed_at is None  # the HQ office has not decided yet
    assert "/410222/" in removal.listing.enterprise.region.path
    assert SpotCheck.objects.filter(listing__enterprise__region__path__contains="/410184/").exists()


def test_chain_support_flagged_partners() -> None:
    assert ChainFlag.objects.exists()
    assert Notification.objects.filter(topic="whitelist.chain_invitation").exists()


def test_walk_through_accounts() -> None:
    untouched = User.objects.get(username="tongxu_ent1").enterprise
    assert not Application.objects.filter(enterprise=untouched).exists()
    assert not listing_status(untouched).listed

    returned_user = User.objects.get(username="tongxu_ent2")
    application = Application.objects.get(enterprise=returned_user.enterprise)
    assert application.state == S.RETURNED and application.decision_reason
    assert Notification.objects.inbox_of(returned_user).filter(topic="whitelist.return").exists()

    listed_user = User.objects.get(username="xinzheng_ent1")
    assert listing_status(listed_user.enterprise).listed
    assert Notification.objects.inbox_of(listed_user).filter(topic="whitelist.listed").exists()


def test_running_again_changes_nothing() -> None:
    models = [
        Application,
        Attachment,
        Batch,
        Listing,
        Criteria,
        Liaison,
        SpotCheck,
        Removal,
        ChainFlag,
        TransitionLog,
        Notification,
        User,
        LogEntry,
    ]

    def snapshot() -> dict[str, Any]:
        counts = {model.__name__: model.objects.count() for model in models}
        counts["states"] = sorted(Application.objects.values_list("pk", "state"))
        return counts

    before = snapshot()
    assert load_demo_whitelist() == {"criteria": 0, "applications": 0, "listed": 0, "liaisons": 0}
    call_command("load_demo", verbosity=0)

    assert snapshot() == before


def test_tiny_pdf_is_well_formed() -> None:
    content = tiny_pdf("Sibao (demo)", "back\\slash", "中文 becomes ?")
    assert pdf_is_well_formed(content)
    assert b"(Sibao [demo])" in content
