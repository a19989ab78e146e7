"""Demo whitelist (WL-2…WL-8, OR-5): criteria, a first batch, applications in every state, liaisons, a removal.

Everything goes through the services with the demo users as actors, so the history (TransitionLog), the
audit log and the inboxes are the ones a real run would leave. What is created:

* 003#二 criteria for industry and commerce, published in 新县 (the seed's own) and, adapted by the local
  departments, in 通许县 and 新郑市;
* in 通许县 and 新郑市: a first batch with about 60 % of the industry output value (so coverage is visibly
  short of the 70 % target and the gap list has something to show) and about half of commerce; two
  applications approved and awaiting publication, two submitted (one failing the pre-check), one
  returned and one rejected; liaison assignments for most listed enterprises, a few deliberately
  incomplete (OR-5 gap page); a spot check, which in 通许县 failed and led to a removal proposal that
  awaits the HQ office.
* The enterprise of ``tongxu_ent1`` is left alone (no application, not listed) for a walk-through;
  ``tongxu_ent2``'s application is the returned one, ``xinzheng_ent1``'s enterprise is listed.

Idempotent: a county that already has an application or a batch is left as it is (a second run, or a
demo someone has been clicking through), and criteria are only published where none is in force.
The selection is computed from the demo registry, so it follows ``enterprises.demo`` if that changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.db import transaction
from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.roles import Role
from sibao.core.rules import evaluate
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise, EntityKind, OperatingStatus, ServiceLevel
from sibao.enterprises.rule_fields import FIELDS as ENTERPRISE_FIELDS
from sibao.organisation.models import SECTOR_LEAD_FUNCTION, Person, Unit, UnitKind
from sibao.regions.models import Region
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.models import (
    Application,
    AttachmentKind,
    Batch,
    Criteria,
    CriteriaStatus,
    Listing,
    RemovalReason,
    SpotCheckResult,
)
from sibao.whitelist.services import (
    application_act,
    application_start,
    application_submit,
    attachment_add,
    batch_publish,
    criteria_matches,
    criteria_publish,
    criteria_save,
    liaison_assign,
    removal_propose,
    spot_check_record,
)

CRITERIA_SECTORS = (Sector.INDUSTRY, Sector.COMMERCE)
# Share of each sector's value the first batch lists: (stop once reached, never above).
FIRST_BATCH_SHARE: dict[str, tuple[Decimal, Decimal]] = {
    Sector.INDUSTRY: (Decimal("0.58"), Decimal("0.62")),
    Sector.COMMERCE: (Decimal("0.45"), Decimal("0.55")),
}
# Enterprise users the walk-through needs in a given state.
UNTOUCHED = "tongxu_ent1"  # applies during the walk-through
RETURNED = "tongxu_ent2"  # has a returned application to correct
LISTED = "xinzheng_ent1"  # is on the first batch
SECTOR_WORDS: dict[str, str] = {Sector.INDUSTRY: "工业", Sector.COMMERCE: "商贸流通"}
REVIEWER_TITLES: dict[str, str] = {Sector.INDUSTRY: "工业主管部门", Sector.COMMERCE: "商务局"}


@dataclass(frozen=True)
class County:
    code: str
    prefix: str  # of the demo usernames: tongxu_hq, tongxu_industry …
    city_code: str
    city_prefix: str


COUNTIES = (County("410222", "tongxu", "410200", "kaifeng"), County("410184", "xinzheng", "410100", "zhengzhou"))
XINXIAN = "411523"  # seed 003's own county
PROVINCE = ("410000", "henan")


# --- small pieces ----------------------------------------------------------------------------------------


def tiny_pdf(*lines: str) -> bytes:
    """A valid one-page PDF (correct cross-reference table) showing ``lines`` (ASCII) in Helvetica."""
    text = " ".join(
        f"({line.encode('ascii', 'replace').decode().replace(chr(92), '/').replace('(', '[').replace(')', ']')}) Tj "
        "0 -18 Td"
        for line in lines
    )
    stream = f"BT /F1 12 Tf 72 770 Td {text} ET".encode()
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _user(username: str) -> User:
    user = User.objects.filter(username=username).select_related("region", "enterprise").first()
    if user is None:
        raise CommandError(f"找不到演示用户 {username}，请先加载演示用户")
    return user


def _account(admin: User, username: str, role: str, **fields: Any) -> User:
    """A demo account without a usable password: hashing one costs most of a second, which dozens of
    accounts cannot afford. Nobody logs in as these (the walk-through's logins come from accounts.demo)."""
    user = User(username=username, role=role, **fields)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with as_actor(admin):
        user.save()
    return user


def _reviewer(region: Region, prefix: str, sector: str, admin: User) -> User:
    """A department above the county, for 分级保障 (city- and province-served enterprises).

    Reused when accounts.demo already has one under this name (then it can log in with the demo password).
    """
    username = f"{prefix}_{sector}"
    existing = User.objects.filter(username=username).select_related("region").first()
    if existing:
        return existing
    unit = Unit.objects.filter(
        region=region, kind=UnitKind.DEPARTMENT, function=SECTOR_LEAD_FUNCTION[sector], is_active=True
    ).first()
    return _account(
        admin,
        username,
        Role.SECTOR_DEPARTMENT,
        display_name=f"{region.name}{REVIEWER_TITLES[sector]}",
        region=region,
        unit=unit,
        sector=sector,
    )


def _applicant(enterprise: Enterprise, admin: User) -> User:
    """The enterprise's own account, which files its application (WL-3)."""
    existing = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise).order_by("pk").first()
    if existing:
        return existing
    return _account(
        admin,
        f"ent_{enterprise.uscc}",
        Role.ENTERPRISE,
        enterprise=enterprise,
        display_name=f"{enterprise.contact_name or '联系人'}（{enterprise.name}）",
    )


def _form(enterprise: Enterprise) -> dict[str, str]:
    word = SECTOR_WORDS.get(enterprise.sector, "")
    return {
        "contact_name": enterprise.contact_name or "张伟",
        "contact_phone": enterprise.contact_phone or "13800000000",
        "statement": f"本企业为{enterprise.region.parent.name if enterprise.region.parent else ''}{word}企业，"
        f"生产经营正常，自愿申请纳入“四保”白名单。",
        "measures": "已成立疫情防控工作专班，主要负责人为第一责任人；员工每日健康监测，"
        "设置临时隔离点，储备抗原试剂和防护物资，具备闭环生产条件。",
    }


def _start(enterprise: Enterprise, user: User) -> Application:
    application = application_start(actor=user, data=_form(enterprise))
    for kind, name, title in (
        (AttachmentKind.APPLICATION_FORM, "白名单申请表.pdf", "Whitelist application form"),
        (AttachmentKind.COMMITMENT, "落实疫情防控主体责任承诺书.pdf", "Epidemic prevention commitment letter"),
    ):
        content = tiny_pdf("Sibao demo attachment", title, f"USCC {enterprise.uscc}")
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        attachment_add(actor=user, application=application, kind=kind, upload=upload)
    return application


def _submitted(enterprise: Enterprise, user: User) -> Application:
    return application_submit(actor=user, application=_start(enterprise, user))


def _failed_conditions(criteria: Criteria, enterprise: Enterprise) -> str:
    explanation = evaluate(criteria.rule, enterprise, today=timezone.localdate(), fields=ENTERPRISE_FIELDS)
    return "、".join(dict.fromkeys(leaf.label for leaf in explanation.failed_leaves())) or "不符合遴选标准"


# --- criteria ----------------------------------------------------------------------------------------------


def _publish_criteria(actor: User, region: Region, sector: str, title: str, source: str) -> int:
    if Criteria.objects.filter(region=region, sector=sector, status=CriteriaStatus.PUBLISHED).exists():
        return 0
    draft = criteria_save(
        actor=actor, region=region, sector=sector, title=title, rule=criteria_for_region(region.code), source=source
    )
    criteria_publish(actor=actor, criteria=draft)
    return 1


def load_criteria() -> int:
    admin = _user("admin")
    count = 0
    xinxian = Region.objects.get(code=XINXIAN)
    for sector in CRITERIA_SECTORS:
        # 003#二 names the 新县 departments' joint standard; the platform operator publishes it as shipped.
        count += _publish_criteria(admin, xinxian, sector, "新县工业、商贸流通、电商类白名单企业遴选标准", "003#二")
    for county in COUNTIES:
        region = Region.objects.get(code=county.code)
        for sector in CRITERIA_SECTORS:
            title = f"{region.name}{SECTOR_WORDS[sector]}企业“四保”白名单遴选标准"
            count += _publish_criteria(
                _user(f"{county.prefix}_{sector}"), region, sector, title, "参照003#二（新县标准）"
            )
    return count


# --- one county ------------------------------------------------------------------------------------------


class _Scenario:
    def __init__(self, county: County) -> None:
        self.county = county
        self.region = Region.objects.get(code=county.code)
        self.admin = _user("admin")
        self.hq = _user(f"{county.prefix}_hq")
        self.reserved = {
            user.enterprise_id
            for user in User.objects.filter(username__in=[UNTOUCHED, RETURNED]).exclude(enterprise=None)
        }
        self.counts = {"applications": 0, "listed": 0, "liaisons": 0}

    def reviewer(self, enterprise: Enterprise) -> User:
        """分级保障: the department of the enterprise's service level reviews it (WL-4)."""
        sector = enterprise.sector
        if enterprise.service_level == ServiceLevel.CITY:
            city = Region.objects.get(code=self.county.city_code)
            return _reviewer(city, self.county.city_prefix, sector, self.admin)
        if enterprise.service_level == ServiceLevel.PROVINCE:
            return _reviewer(Region.objects.get(code=PROVINCE[0]), PROVINCE[1], sector, self.admin)
        return _user(f"{self.county.prefix}_{sector}")

    def pools(self, sector: str) -> tuple[list[Enterprise], list[Enterprise]]:
        """(meets the criteria, does not), biggest first; the walk-through's enterprises left out."""
        criteria = Criteria.objects.get(region=self.region, sector=sector, status=CriteriaStatus.PUBLISHED)
        everyone = (
            Enterprise.objects.filter(region__path__startswith=self.region.path, sector=sector)
            .filter(kind=EntityKind.ENTERPRISE, operating_status=OperatingStatus.OPERATING)
            .exclude(pk__in=self.reserved)
            .select_related("region", "region__parent")
            .order_by("-output_value", "uscc")
        )
        matching = set(criteria_matches(criteria).values_list("pk", flat=True))
        return [e for e in everyone if e.pk in matching], [e for e in everyone if e.pk not in matching]

    def first_batch_choice(self, sector: str, pool: list[Enterprise], forced: list[Enterprise]) -> list[Enterprise]:
        """The biggest first, skipping any that would overshoot, until the share is reached."""
        low, high = FIRST_BATCH_SHARE[sector]
        total = sum(
            (
                e.output_value
                for e in Enterprise.objects.filter(region__path__startswith=self.region.path, sector=sector).exclude(
                    operating_status=OperatingStatus.DEREGISTERED
                )
            ),
            Decimal("0"),
        )
        chosen = list(forced)
        value = sum((e.output_value for e in chosen), Decimal("0"))
        for enterprise in pool:
            if value >= low * total:
                break
            if enterprise not in chosen and value + enterprise.output_value <= high * total:
                chosen.append(enterprise)
                value += enterprise.output_value
        return chosen

    def approve(self, enterprise: Enterprise) -> Application:
        application = _submitted(enterprise, _applicant(enterprise, self.admin))
        self.counts["applications"] += 1
        return application_act(actor=self.reviewer(enterprise), application=application, action="approve")

    def run(self) -> dict[str, int]:
        industry, industry_rest = self.pools(Sector.INDUSTRY)
        commerce, commerce_rest = self.pools(Sector.COMMERCE)
        listed_user = User.objects.filter(username=LISTED).first()
        # The walk-through's listed enterprise goes first, provided it meets the criteria here.
        forced = [e for e in industry if listed_user and e.pk == listed_user.enterprise_id]
        first = [
            *self.first_batch_choice(Sector.INDUSTRY, industry, forced),
            *self.first_batch_choice(Sector.COMMERCE, commerce, []),
        ]
        industry_left = [e for e in industry if e not in first]
        commerce_left = [e for e in commerce if e not in first]

        # WL-5: the first batch, published by the county HQ office.
        batch = batch_publish(actor=self.hq, applications=[self.approve(e) for e in first], note="首批“四保”白名单企业")
        self.counts["listed"] += len(first)

        # Approved, awaiting the second batch: the two biggest industrial enterprises left.
        for enterprise in industry_left[:2]:
            self.approve(enterprise)
        # Submitted: one that meets the criteria, one whose pre-check fails (the reviewer sees why).
        for enterprise in [*commerce_left[:1], *industry_rest[:1]]:
            _submitted(enterprise, _applicant(enterprise, self.admin))
            self.counts["applications"] += 1
        self.returned(commerce_left[1:2])
        self.rejected(industry_rest[1:2] or commerce_rest[:1])
        self.liaisons(list(batch.listings.select_related("enterprise", "enterprise__region").order_by("pk")))
        self.spot_checks(list(batch.listings.filter(sector=Sector.INDUSTRY).order_by("-pk")))
        return self.counts

    def returned(self, fallback: list[Enterprise]) -> None:
        returned_user = User.objects.filter(username=RETURNED).select_related("enterprise__region").first()
        if returned_user and returned_user.enterprise and self.region.contains(returned_user.enterprise.region):
            enterprise, user = returned_user.enterprise, returned_user
        elif fallback:
            enterprise = fallback[0]
            user = _applicant(enterprise, self.admin)
        else:
            return
        application = _submitted(enterprise, user)
        self.counts["applications"] += 1
        application_act(
            actor=self.reviewer(enterprise),
            application=application,
            action="return",
            reason="《落实疫情防控主体责任承诺书》未加盖企业公章，请盖章后重新上传。",
        )

    def rejected(self, candidates: list[Enterprise]) -> None:
        for enterprise in candidates:
            application = _submitted(enterprise, _applicant(enterprise, self.admin))
            self.counts["applications"] += 1
            failed = _failed_conditions(application.criteria, enterprise) if application.criteria else "不符合遴选标准"
            application_act(
                actor=self.reviewer(enterprise),
                application=application,
                action="reject",
                reason=f"经审核，不符合遴选标准：{failed}。",
            )

    def liaisons(self, listings: list[Listing]) -> None:
        """OR-5 for most listed enterprises; every sixth misses one of the three, the last has none yet."""
        # Only placeholder people (示例·…) are given demo duties: no real official is tied to a fictional firm.
        people = Person.objects.filter(employer__region=self.region, name__startswith="示例·").order_by("name")
        cadres = list(people.filter(is_epidemic_expert=False, employer__kind=UnitKind.DEPARTMENT))
        officers = list(people.filter(is_epidemic_expert=True))
        hospitals = list(Unit.objects.filter(region__path__startswith=self.region.path, kind=UnitKind.MEDICAL))
        if not (cadres and officers and hospitals):
            return
        for index, listing in enumerate(listings[:-1]):
            enterprise = listing.enterprise
            town = enterprise.region.name
            near = [unit for unit in hospitals if town and town in unit.name]
            values: dict[str, Any] = {
                "liaison_cadre": cadres[index % len(cadres)],
                "epidemic_officer": officers[index % len(officers)],
                "medical_institution": (near or hospitals[:3])[index % len(near or hospitals[:3])],
            }
            if index % 6 == 5:
                values[("liaison_cadre", "epidemic_officer", "medical_institution")[index // 6 % 3]] = None
            liaison_assign(actor=self.hq, enterprise=enterprise, **values)
            self.counts["liaisons"] += 1

    def spot_checks(self, industry_listings: list[Listing]) -> None:
        """WL-8: one spot check per county; in 通许县 it failed and the department proposes the removal."""
        if not industry_listings:
            return
        department = _user(f"{self.county.prefix}_{Sector.INDUSTRY}")
        listing = industry_listings[0]
        record: dict[str, Any] = {
            "actor": department,
            "listing": listing,
            "checked_on": timezone.localdate() - timedelta(days=2),
            "inspectors": f"{self.region.name}科工信部门、{self.region.name}指挥部办公室",
        }
        if self.county.prefix != "tongxu":
            spot_check_record(
                **record, result=SpotCheckResult.PASSED, findings="员工健康监测台账完整，防疫物资储备充足。"
            )
            return
        check = spot_check_record(
            **record,
            result=SpotCheckResult.FAILED,
            findings="未落实进厂人员“两码一证”查验，外来车辆未登记消杀；临时隔离点未设置。",
        )
        removal_propose(
            actor=department,
            listing=listing,
            reason=RemovalReason.EPIDEMIC_MEASURES,
            details="抽查发现疫情防控措施未落实，经约谈仍未整改，建议移出白名单。",
            spot_check=check,
        )


def _untouched(region: Region) -> bool:
    return not (
        Application.objects.filter(enterprise__region__path__startswith=region.path).exists()
        or Batch.objects.filter(region=region).exists()
    )


def load_demo_whitelist() -> dict[str, int]:
    """Publish the criteria and play the demo counties' whitelist work; a second run changes nothing."""
    counts = {"criteria": 0, "applications": 0, "listed": 0, "liaisons": 0}
    with transaction.atomic():
        counts["criteria"] = load_criteria()
        for county in COUNTIES:
            if not _untouched(Region.objects.get(code=county.code)):
                continue
            for key, value in _Scenario(county).run().items():
                counts[key] += value
    return counts
