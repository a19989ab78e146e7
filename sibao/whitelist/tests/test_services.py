"""Whitelist services and selectors (WL-2…WL-9, OR-5) against the seeds: 003#二 criteria, 000/001 targets."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, region, township_of
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.roles import Role
from sibao.core.rules import years_before
from sibao.core.sectors import Sector
from sibao.core.workflow import history
from sibao.enterprises.models import (
    EnterpriseRecord,
    EntityKind,
    OperatingStatus,
    RecordKind,
    RecordSeverity,
    ServiceLevel,
    SupplyChainLink,
)
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.notifications.models import Notification
from sibao.organisation.models import Person, Unit, UnitKind
from sibao.parameters.services import parameter_set
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.models import (
    Application,
    ApplicationState,
    Attachment,
    AttachmentKind,
    Batch,
    ChainFlag,
    CriteriaStatus,
    Listing,
    RemovalReason,
    RemovalState,
    SpotCheckResult,
)
from sibao.whitelist.selectors import (
    applications_for,
    coverage,
    criteria_in_force,
    liaison_gaps,
    listing_status,
    target_warnings,
)
from sibao.whitelist.services import (
    application_act,
    application_start,
    application_submit,
    attachment_add,
    batch_publish,
    criteria_publish,
    criteria_save,
    liaison_assign,
    removal_decide,
    removal_propose,
    spot_check_record,
)
from sibao.whitelist.tests.flows import (
    PDF,
    attach_required,
    pdf,
    submitted_application,
)

pytestmark = pytest.mark.django_db

S = ApplicationState
TONGXU = "410222"
FORM = {
    "contact_name": "李娜",
    "contact_phone": "13912345678",
    "statement": "本企业为规上工业企业，申请纳入“四保”白名单。",
    "measures": "已成立疫情防控专班，落实闭环管理。",
}


# --- helpers ---------------------------------------------------------------------------------------------


def submitted(user: Any) -> Application:
    return submitted_application(user, FORM)


def approved(user: Any, reviewer: Any) -> Application:
    return application_act(actor=reviewer, application=submitted(user), action="approve")


def approved_directly(enterprise: Any, created_by: Any) -> Application:
    """An application already approved (setup shortcut for the selector tests: the review is tested above)."""
    return Application.objects.create(
        enterprise=enterprise,
        sector=enterprise.sector,
        service_level=enterprise.service_level,
        state=S.APPROVED,
        created_by=created_by,
        **FORM,
    )


def list_enterprises(hq: Any, enterprises: Iterable[Any]) -> Batch:
    return batch_publish(actor=hq, applications=[approved_directly(e, hq) for e in enterprises])


def industry(name: str, value: str, **fields: Any) -> Any:
    return EnterpriseFactory(
        name=name, region=township_of(TONGXU), sector=Sector.INDUSTRY, output_value=Decimal(value), **fields
    )


def node(tree: dict[str, Any], label: str) -> dict[str, Any]:
    """The pre-check node with ``label`` (depth first)."""
    if tree["label"] == label:
        return tree
    for child in tree.get("children", []):
        try:
            return node(child, label)
        except LookupError:
            continue
    raise LookupError(label)


def reviewers_told() -> set[str]:
    return set(Notification.objects.filter(topic="whitelist.submitted").values_list("user__username", flat=True))


def inbox(enterprise: Any) -> list[str]:
    return list(Notification.objects.filter(enterprise=enterprise).values_list("topic", flat=True))


@pytest.fixture
def criteria(personas: Any) -> dict[str, Any]:
    """通许县 publishes 003#二 for industry and commerce, as its departments would (WL-2)."""
    published = {}
    for user, sector in ((personas.tongxu_industry, Sector.INDUSTRY), (personas.tongxu_commerce, Sector.COMMERCE)):
        draft = criteria_save(
            actor=user,
            region=region(TONGXU),
            sector=sector,
            title="通许县白名单企业遴选标准",
            rule=criteria_for_region(TONGXU),
            source="003#二",
        )
        published[sector] = criteria_publish(actor=user, criteria=draft)
    return published


@pytest.fixture
def qualified(personas: Any, criteria: Any) -> Any:
    """ent_a is 规上 and ent_b a livelihood trader: both meet 003#二."""
    personas.ent_a.above_designated_size = True
    personas.ent_a.save()
    personas.ent_b.livelihood = True
    personas.ent_b.save()
    return personas


@pytest.fixture
def township_first(personas: Any) -> None:
    parameter_set(actor=personas.admin, key="whitelist.township_first_check", region=region(TONGXU), value=True)


# --- WL-2 / WL-3: the 003#二 pre-check ---------------------------------------------------------------------


class TestPrecheck:
    def test_a_qualified_enterprise_passes(self, qualified: Any, criteria: Any) -> None:
        application = application_start(actor=qualified.ent_a_user, data=FORM)

        assert application.criteria == criteria[Sector.INDUSTRY]
        assert application.precheck_passed is True
        assert node(application.precheck, "规上工业企业")["passed"] is True
        assert application.state == S.DRAFT
        assert application.service_level == ServiceLevel.COUNTY

    def test_none_of_the_any_of_group_fails_and_says_which(self, personas: Any, criteria: Any) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)

        assert application.precheck_passed is False
        group = node(application.precheck, "符合以下条件之一")
        assert group["passed"] is False
        assert [child["passed"] for child in group["children"]] == [False, False, False, False]
        assert node(application.precheck, "生产经营状态正常")["passed"] is True  # the rest is fine

    def test_a_major_safety_accident_two_years_ago_excludes(self, qualified: Any) -> None:
        EnterpriseRecord.objects.create(
            enterprise=qualified.ent_a,
            kind=RecordKind.SAFETY_ACCIDENT,
            severity=RecordSeverity.MAJOR,
            occurred_on=years_before(timezone.localdate(), 2),
        )

        application = application_start(actor=qualified.ent_a_user, data=FORM)

        assert application.precheck_passed is False
        accident = node(application.precheck, "近三年发生重大安全、重大质量事故")
        assert accident["passed"] is True and accident["wanted"] is False  # the exclusion matched
        assert len(accident["actual"]) == 1

    def test_the_same_accident_four_years_ago_does_not(self, qualified: Any) -> None:
        EnterpriseRecord.objects.create(
            enterprise=qualified.ent_a,
            kind=RecordKind.SAFETY_ACCIDENT,
            severity=RecordSeverity.MAJOR,
            occurred_on=years_before(timezone.localdate(), 4),
        )

        assert application_start(actor=qualified.ent_a_user, data=FORM).precheck_passed is True

    @pytest.mark.parametrize(("days_after_three_years", "excluded"), [(0, False), (1, True)])
    def test_the_window_is_exactly_three_years(
        self, qualified: Any, days_after_three_years: int, excluded: bool
    ) -> None:
        """近三年: the day exactly three years ago is outside, the day after is inside."""
        EnterpriseRecord.objects.create(
            enterprise=qualified.ent_a,
            kind=RecordKind.SAFETY_ACCIDENT,
            severity=RecordSeverity.MAJOR,
            occurred_on=years_before(timezone.localdate(), 3) + timedelta(days=days_after_three_years),
        )

        assert application_start(actor=qualified.ent_a_user, data=FORM).precheck_passed is (not excluded)

    def test_precheck_is_redone_at_submission(self, qualified: Any) -> None:
        application = application_start(actor=qualified.ent_a_user, data=FORM)
        attach_required(qualified.ent_a_user, application)
        qualified.ent_a.operating_status = OperatingStatus.SUSPENDED
        qualified.ent_a.save()

        application = application_submit(actor=qualified.ent_a_user, application=application)

        assert application.precheck_passed is False
        assert history(application)[0].data == {"precheck_passed": False}

    def test_without_published_criteria_there_is_no_verdict(self, personas: Any) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)

        assert (application.criteria, application.precheck, application.precheck_passed) == (None, None, None)


# --- WL-3: application and attachments ----------------------------------------------------------------------


class TestApplication:
    def test_required_fields_are_named(self, personas: Any) -> None:
        with pytest.raises(ServiceError) as refused:
            application_start(actor=personas.ent_a_user, data={**FORM, "measures": "  "})

        assert refused.value.field == "measures"
        assert not Application.objects.exists()

    def test_only_an_enterprise_user_applies_and_only_once_at_a_time(self, personas: Any) -> None:
        with pytest.raises(PermissionRefused):
            application_start(actor=personas.tongxu_industry, data=FORM)
        application_start(actor=personas.ent_a_user, data=FORM)

        with pytest.raises(StateRefused) as refused:
            application_start(actor=personas.ent_a_user, data=FORM)
        assert refused.value.code == "whitelist.application.open"

    def test_submission_without_the_two_attachments_is_refused_naming_them(self, personas: Any) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)

        with pytest.raises(ServiceError) as refused:
            application_submit(actor=personas.ent_a_user, application=application)

        assert refused.value.code == "whitelist.application.attachments"
        assert "申请表" in refused.value.message
        assert "落实疫情防控主体责任承诺书" in refused.value.message
        application.refresh_from_db()
        assert application.state == S.DRAFT

    def test_submission_with_one_attachment_names_the_other(self, personas: Any) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)
        attachment_add(
            actor=personas.ent_a_user, application=application, kind=AttachmentKind.APPLICATION_FORM, upload=pdf()
        )

        with pytest.raises(ServiceError) as refused:
            application_submit(actor=personas.ent_a_user, application=application)

        assert "承诺书" in refused.value.message
        assert "申请表" not in refused.value.message

    def test_submission_notifies_the_reviewers_in_scope(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        assert application.state == S.SUBMITTED
        assert application.submitted_at is not None
        # The county industry department: not commerce, not another county, not the township (no first check).
        assert reviewers_told() == {"p_tongxu_industry"}

    def test_with_a_township_first_check_the_township_is_told_then_the_department(
        self, qualified: Any, township_first: None
    ) -> None:
        application = submitted(qualified.ent_a_user)
        assert reviewers_told() == {"p_tongxu_township"}  # the department cannot act yet
        Notification.objects.all().delete()

        application_act(actor=qualified.tongxu_township, application=application, action="township_pass")

        assert reviewers_told() == {"p_tongxu_industry"}

    def test_a_valid_pdf_is_stored_and_a_new_upload_replaces_the_old(self, personas: Any) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)
        first = attachment_add(
            actor=personas.ent_a_user, application=application, kind=AttachmentKind.APPLICATION_FORM, upload=pdf()
        )
        second = attachment_add(
            actor=personas.ent_a_user,
            application=application,
            kind=AttachmentKind.APPLICATION_FORM,
            upload=pdf("申请表（盖章）.pdf"),
        )

        assert list(application.attachments.all()) == [second]
        assert not Attachment.objects.filter(pk=first.pk).exists()
        assert second.size == len(PDF)
        assert second.original_name == "申请表（盖章）.pdf"
        with second.file.open("rb") as stored:
            assert stored.read() == PDF

    @pytest.mark.parametrize(
        ("name", "content", "code"),
        [
            ("申请表.exe", b"MZ\x90\x00", "whitelist.attachment.type"),
            ("申请表", PDF, "whitelist.attachment.type"),
            ("申请表.pdf", b"MZ\x90\x00 not a pdf", "whitelist.attachment.content"),
            ("照片.png", b"\xff\xd8\xff\xe0 a jpeg", "whitelist.attachment.content"),
        ],
    )
    def test_wrong_type_or_content_is_refused(self, personas: Any, name: str, content: bytes, code: str) -> None:
        application = application_start(actor=personas.ent_a_user, data=FORM)

        with pytest.raises(ServiceError) as refused:
            attachment_add(
                actor=personas.ent_a_user,
                application=application,
                kind=AttachmentKind.APPLICATION_FORM,
                upload=pdf(name, content),
            )

        assert refused.value.code == code
        assert refused.value.field == "file"
        assert not Attachment.objects.exists()

    def test_a_file_over_the_regions_limit_is_refused(self, personas: Any) -> None:
        parameter_set(actor=personas.admin, key="whitelist.attachment_max_mb", region=region(TONGXU), value=1)
        application = application_start(actor=personas.ent_a_user, data=FORM)
        big = PDF + b"0" * (1024 * 1024)

        with pytest.raises(ServiceError) as refused:
            attachment_add(
                actor=personas.ent_a_user,
                application=application,
                kind=AttachmentKind.APPLICATION_FORM,
                upload=pdf("大文件.pdf", big),
            )

        assert refused.value.code == "whitelist.attachment.size"
        assert "1 MB" in refused.value.message

    def test_attachments_are_locked_after_submission_and_only_the_enterprise_adds_them(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        with pytest.raises(StateRefused):
            attachment_add(actor=qualified.ent_a_user, application=application, kind=AttachmentKind.OTHER, upload=pdf())
        draft = application_start(actor=qualified.ent_b_user, data=FORM)
        with pytest.raises(StateRefused):
            attachment_add(actor=qualified.ent_a_user, application=draft, kind=AttachmentKind.OTHER, upload=pdf())


# --- WL-4: review ----------------------------------------------------------------------------------------


class TestReview:
    def test_department_approves_and_the_decision_is_recorded(self, qualified: Any) -> None:
        application = approved(qualified.ent_a_user, qualified.tongxu_industry)

        assert application.state == S.APPROVED
        assert application.decided_by == qualified.tongxu_industry
        assert application.decided_at is not None
        assert [(log.action, log.actor) for log in history(application)] == [
            ("submit", qualified.ent_a_user),
            ("approve", qualified.tongxu_industry),
        ]

    def test_returned_application_can_be_corrected_and_resubmitted(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)
        application = application_act(
            actor=qualified.tongxu_industry, application=application, action="return", reason="承诺书未盖章"
        )
        assert application.decision_reason == "承诺书未盖章"

        attachment_add(
            actor=qualified.ent_a_user,
            application=application,
            kind=AttachmentKind.COMMITMENT,
            upload=pdf("承诺书.pdf"),
        )
        application = application_submit(actor=qualified.ent_a_user, application=application)

        assert application.state == S.SUBMITTED
        assert application.decision_reason == ""

    def test_reject_needs_a_reason(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        with pytest.raises(ServiceError) as refused:
            application_act(actor=qualified.tongxu_industry, application=application, action="reject")

        assert refused.value.code == "whitelist.application.reject.reason_required"

    def test_the_department_of_another_sector_cannot_decide(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        with pytest.raises(PermissionRefused) as refused:
            application_act(actor=qualified.tongxu_commerce, application=application, action="approve")

        assert refused.value.code == "whitelist.application.approve.forbidden"

    def test_township_checks_first_when_the_region_says_so(self, qualified: Any, township_first: None) -> None:
        application = submitted(qualified.ent_a_user)

        with pytest.raises(PermissionRefused) as refused:
            application_act(actor=qualified.tongxu_industry, application=application, action="approve")
        assert refused.value.code == "whitelist.application.approve.forbidden"
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

        application = application_act(actor=qualified.tongxu_township, application=application, action="township_pass")
        assert application.state == S.TOWNSHIP_CHECKED
        application = application_act(actor=qualified.tongxu_industry, application=application, action="approve")
        assert application.state == S.APPROVED

    def test_only_the_enterprises_own_township_checks(self, qualified: Any, township_first: None) -> None:
        application = submitted(qualified.ent_b_user)  # ent_b is in another township of 通许

        with pytest.raises(PermissionRefused):
            application_act(actor=qualified.tongxu_township, application=application, action="township_pass")

    def test_no_township_check_where_the_region_has_none(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        with pytest.raises(PermissionRefused):
            application_act(actor=qualified.tongxu_township, application=application, action="township_pass")
        assert (
            application_act(actor=qualified.tongxu_industry, application=application, action="approve").state
            == S.APPROVED
        )

    def test_a_city_level_enterprise_is_reviewed_by_the_city_department(self, qualified: Any) -> None:
        """分级保障 (WL-4): the service level decides who reviews, not where the enterprise sits."""
        qualified.ent_a.service_level = ServiceLevel.CITY
        qualified.ent_a.save()
        kaifeng_industry = make_user(
            "p_kaifeng_industry", Role.SECTOR_DEPARTMENT, region=region("410200"), sector=Sector.INDUSTRY
        )
        application = submitted(qualified.ent_a_user)
        assert application.service_level == ServiceLevel.CITY
        assert Notification.objects.filter(topic="whitelist.submitted", user=kaifeng_industry).exists()
        assert not Notification.objects.filter(topic="whitelist.submitted", user=qualified.tongxu_industry).exists()

        with pytest.raises(PermissionRefused):
            application_act(actor=qualified.tongxu_industry, application=application, action="approve")
        application = application_act(actor=kaifeng_industry, application=application, action="approve")

        assert application.state == S.APPROVED

    def test_another_countys_department_can_neither_see_nor_review(self, qualified: Any) -> None:
        xinzheng_industry = make_user(
            "p_xinzheng_industry", Role.SECTOR_DEPARTMENT, region=region("410184"), sector=Sector.INDUSTRY
        )
        application = submitted(qualified.ent_a_user)

        assert not Application.objects.visible_to(xinzheng_industry).filter(pk=application.pk).exists()
        assert not applications_for(xinzheng_industry).exists()
        with pytest.raises(PermissionRefused):
            application_act(actor=xinzheng_industry, application=application, action="approve")
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

    @pytest.mark.parametrize(
        ("action", "reason", "reviewer"),
        [
            ("approve", "", "tongxu_industry"),
            ("reject", "近三年发生重大安全事故", "tongxu_industry"),
            ("return", "申请表缺少盖章", "tongxu_industry"),
            ("township_pass", "", "tongxu_township"),
            ("township_return", "承诺书未签字", "tongxu_township"),
        ],
    )
    def test_every_decision_reaches_the_enterprise_inbox(
        self, qualified: Any, township_first: None, action: str, reason: str, reviewer: str
    ) -> None:
        application = submitted(qualified.ent_a_user)
        if reviewer == "tongxu_industry":
            application = application_act(
                actor=qualified.tongxu_township, application=application, action="township_pass"
            )
        Notification.objects.all().delete()

        application_act(actor=getattr(qualified, reviewer), application=application, action=action, reason=reason)

        message = Notification.objects.get(enterprise=qualified.ent_a)
        assert message.topic == f"whitelist.{action}"
        assert qualified.ent_a.name in message.title
        assert message.body == reason
        assert message.link == reverse("whitelist:application", args=[application.pk])
        assert Notification.objects.inbox_of(qualified.ent_a_user).filter(pk=message.pk).exists()

    def test_withdrawal_by_the_enterprise(self, qualified: Any) -> None:
        application = submitted(qualified.ent_a_user)

        application = application_act(actor=qualified.ent_a_user, application=application, action="withdraw")

        assert application.state == S.WITHDRAWN
        application_start(actor=qualified.ent_a_user, data=FORM)  # may start afresh


# --- WL-5 / WL-9: batches and listing status ----------------------------------------------------------------


class TestBatches:
    def test_batches_are_numbered_per_region(self, qualified: Any) -> None:
        xinzheng_user = make_user("p_ent_xinzheng", Role.ENTERPRISE, enterprise=qualified.ent_xinzheng)
        first = batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )
        second = batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_b_user, qualified.tongxu_commerce)]
        )
        xinzheng_first = batch_publish(
            actor=qualified.xinzheng_hq, applications=[approved_directly(qualified.ent_xinzheng, xinzheng_user)]
        )

        assert (first.number, second.number, xinzheng_first.number) == (1, 2, 1)
        assert str(second) == "通许县 第2批"
        listing = Listing.objects.get(enterprise=qualified.ent_a)
        assert (listing.batch, listing.sector, listing.application.state) == (first, Sector.INDUSTRY, S.LISTED)
        assert "whitelist.listed" in inbox(qualified.ent_a)

    def test_publishing_an_unapproved_application_publishes_nothing(self, qualified: Any) -> None:
        good = approved(qualified.ent_a_user, qualified.tongxu_industry)
        pending = submitted(qualified.ent_b_user)

        with pytest.raises(StateRefused) as refused:
            batch_publish(actor=qualified.tongxu_hq, applications=[good, pending])

        assert refused.value.code == "whitelist.application.publish.state"
        assert not Batch.objects.exists()
        assert not Listing.objects.exists()
        good.refresh_from_db()
        assert good.state == S.APPROVED

    def test_only_the_hq_office_of_the_enterprises_region_publishes(self, qualified: Any) -> None:
        application = approved(qualified.ent_a_user, qualified.tongxu_industry)

        with pytest.raises(PermissionRefused):
            batch_publish(actor=qualified.tongxu_industry, applications=[application])
        with pytest.raises(PermissionRefused) as refused:
            batch_publish(actor=qualified.xinzheng_hq, applications=[application])
        assert refused.value.code == "whitelist.application.publish.forbidden"
        assert not Batch.objects.exists()
        with pytest.raises(ServiceError):
            batch_publish(actor=qualified.tongxu_hq, applications=[])

    def test_listing_status_follows_listing_removal_and_relisting(self, qualified: Any) -> None:
        """WL-9: what passes, inspections and shutdown approvals ask."""
        assert listing_status(qualified.ent_a).listed is False

        batch = batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )
        status = listing_status(qualified.ent_a)
        assert (status.listed, status.level, status.batch) == (True, ServiceLevel.COUNTY, batch)
        assert status.since == Listing.objects.get().listed_at
        assert listing_status(qualified.ent_a.pk).listed is True
        assert listing_status(qualified.ent_b).listed is False
        with pytest.raises(StateRefused) as refused:
            application_start(actor=qualified.ent_a_user, data=FORM)
        assert refused.value.code == "whitelist.application.listed"

        listing = Listing.objects.get()
        removal = removal_propose(
            actor=qualified.tongxu_industry,
            listing=listing,
            reason=RemovalReason.ENVIRONMENTAL_POLICY,
            details="超标排放被处罚",
        )
        removal_decide(actor=qualified.tongxu_hq, removal=removal, action="confirm")
        listing.refresh_from_db()
        removed_at = listing.removed_at
        assert removed_at is not None
        assert listing_status(qualified.ent_a).listed is False
        meanwhile = listing.listed_at + (removed_at - listing.listed_at) / 2
        assert listing_status(qualified.ent_a, at=meanwhile).listed is True  # asked about the past

        second = batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )
        status = listing_status(qualified.ent_a)
        assert (status.listed, status.batch) == (True, second)
        assert status.since is not None and status.since >= removed_at
        assert second.number == 2


# --- WL-7: chain support -------------------------------------------------------------------------------------


class TestChainSupport:
    def test_listing_flags_key_partners(self, qualified: Any) -> None:
        supplier = industry("通许县宏泰包装材料有限公司", "800")
        customer = industry("通许县鑫源食品有限公司", "900")
        not_key = industry("通许县瑞丰印务有限公司", "100")
        SupplyChainLink.objects.create(supplier=supplier, customer=qualified.ent_a, product="纸箱包装", is_key=True)
        SupplyChainLink.objects.create(supplier=qualified.ent_a, customer=customer, product="机械零部件", is_key=True)
        SupplyChainLink.objects.create(supplier=not_key, customer=qualified.ent_a, product="印刷品", is_key=False)
        supplier_user = make_user("p_supplier", Role.ENTERPRISE, enterprise=supplier)
        customer_user = make_user("p_customer", Role.ENTERPRISE, enterprise=customer)
        waiting = application_start(actor=customer_user, data=FORM)  # already applying
        assert waiting.priority is False

        batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )

        assert set(ChainFlag.objects.values_list("enterprise__name", flat=True)) == {supplier.name, customer.name}
        assert set(ChainFlag.objects.values_list("because_of", flat=True)) == {qualified.ent_a.pk}
        waiting.refresh_from_db()
        assert waiting.priority is True
        assert "whitelist.chain_invitation" in inbox(supplier)
        assert "whitelist.chain_invitation" in inbox(customer)
        assert inbox(not_key) == []

        # The invited supplier applies: its application comes first in the department's queue.
        latecomer = submitted(qualified.ent_b_user)
        invited = application_start(actor=supplier_user, data=FORM)
        assert invited.priority is True
        assert qualified.ent_a.name in invited.priority_reason
        attach_required(supplier_user, invited)
        application_submit(actor=supplier_user, application=invited)
        assert list(applications_for(qualified.tongxu_industry).filter(state=S.SUBMITTED)) == [invited]
        assert latecomer.priority is False

    def test_an_already_listed_partner_is_not_flagged(self, qualified: Any) -> None:
        partner = industry("通许县宏泰包装材料有限公司", "800")
        SupplyChainLink.objects.create(supplier=partner, customer=qualified.ent_a, is_key=True)
        list_enterprises(qualified.tongxu_hq, [partner])

        batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )

        assert not ChainFlag.objects.filter(enterprise=partner).exists()


# --- WL-6: coverage ---------------------------------------------------------------------------------------------


class TestCoverage:
    def sector(self, sector: str) -> Any:
        return {item.sector: item for item in coverage(region(TONGXU))}[sector]

    def test_exactly_seventy_percent_meets_the_target(self, personas: Any) -> None:
        personas.ent_a.output_value = Decimal("700.00")
        personas.ent_a.save()
        industry("通许县鑫源食品有限公司", "300.00")
        list_enterprises(personas.tongxu_hq, [personas.ent_a])

        item = self.sector(Sector.INDUSTRY)

        assert (item.total, item.listed, item.percent) == (Decimal("1000.00"), Decimal("700.00"), Decimal("70.00"))
        assert item.meets_target is True
        assert item.shortfall == Decimal("0")
        assert (item.enterprise_count, item.listed_count) == (2, 1)

    def test_one_cent_under_does_not(self, personas: Any) -> None:
        personas.ent_a.output_value = Decimal("699.99")
        personas.ent_a.save()
        industry("通许县鑫源食品有限公司", "300.01")
        list_enterprises(personas.tongxu_hq, [personas.ent_a])

        item = self.sector(Sector.INDUSTRY)

        assert item.percent == Decimal("69.99")  # rounded down for display, never up to the target …
        assert item.meets_target is False  # … and the check itself is exact
        assert item.shortfall == Decimal("0.01")

    def test_the_target_is_a_region_parameter(self, personas: Any) -> None:
        personas.ent_a.output_value = Decimal("700")
        personas.ent_a.save()
        industry("通许县鑫源食品有限公司", "300")
        list_enterprises(personas.tongxu_hq, [personas.ent_a])
        parameter_set(actor=personas.admin, key="whitelist.coverage_percent", region=region("410200"), value="75")

        item = self.sector(Sector.INDUSTRY)

        assert item.target_percent == Decimal("75")
        assert item.meets_target is False

    def test_key_projects_count_investment_not_output(self, personas: Any) -> None:
        project = dict(region=township_of(TONGXU), sector=Sector.KEY_PROJECT, kind=EntityKind.KEY_PROJECT)
        big = EnterpriseFactory(name="年产10万吨食品加工项目", investment=Decimal("6000"), output_value=0, **project)
        EnterpriseFactory(
            name="标准化厂房建设项目", investment=Decimal("4000"), output_value=Decimal("99999"), **project
        )
        list_enterprises(personas.tongxu_hq, [big])

        item = self.sector(Sector.KEY_PROJECT)

        assert (item.total, item.listed, item.percent) == (Decimal("10000.00"), Decimal("6000.00"), Decimal("60.00"))
        assert self.sector(Sector.INDUSTRY).total == personas.ent_a.output_value  # projects are not industry

    def test_gap_ranks_the_biggest_first_and_marks_where_the_gap_closes(self, personas: Any) -> None:
        personas.ent_a.output_value = Decimal("300")
        personas.ent_a.save()
        list_enterprises(personas.tongxu_hq, [personas.ent_a])
        small = industry("通许县瑞丰印务有限公司", "100")
        large = industry("通许县鑫源食品有限公司", "250")
        mid_2 = industry("通许县金鼎木业有限公司", "150")
        mid_1 = industry("通许县宏泰包装材料有限公司", "200")
        industry("通许县昌隆面业有限公司", "0")  # nothing to gain
        industry("通许县永盛塑业有限公司", "5000", operating_status=OperatingStatus.DEREGISTERED)  # not counted

        item = self.sector(Sector.INDUSTRY)

        assert item.total == Decimal("1000")
        assert [row["enterprise"] for row in item.gap] == [large, mid_1, mid_2, small]
        assert [row["coverage_after"] for row in item.gap] == [
            Decimal("55.00"),
            Decimal("75.00"),
            Decimal("90.00"),
            Decimal("100.00"),
        ]
        assert [row["closes_gap"] for row in item.gap] == [False, True, True, True]
        assert item.shortfall == Decimal("400.00")

    def test_coverage_is_per_region_subtree(self, personas: Any) -> None:
        list_enterprises(personas.xinzheng_hq, [personas.ent_xinzheng])

        assert self.sector(Sector.INDUSTRY).listed == 0
        kaifeng = {item.sector: item for item in coverage(region("410200"))}
        assert kaifeng[Sector.INDUSTRY].total == personas.ent_a.output_value


# --- WL-5: targets -------------------------------------------------------------------------------------------


class TestTargets:
    def test_no_warning_before_the_deadlines(self, personas: Any) -> None:
        assert target_warnings(region(TONGXU), today=date(2022, 5, 31)) == []

    def test_after_31_may_without_a_batch(self, personas: Any) -> None:
        warnings = target_warnings(region(TONGXU), today=date(2022, 6, 1))

        assert len(warnings) == 1
        assert "首批" in warnings[0] and "05月31日" in warnings[0]

    def test_after_30_june_under_seventy_percent(self, personas: Any) -> None:
        assert len(target_warnings(region(TONGXU), today=date(2022, 6, 30))) == 1  # only the first batch

        warnings = target_warnings(region(TONGXU), today=date(2022, 7, 1))

        coverage_warnings = [text for text in warnings if "覆盖率" in text]
        assert len(coverage_warnings) == 2  # industry (ent_a) and commerce (ent_b), both unlisted
        assert any("工业生产" in text for text in coverage_warnings)  # the sector's Chinese label
        assert all("70" in text for text in coverage_warnings)

    def test_a_batch_and_the_target_met_silence_the_warnings(self, personas: Any) -> None:
        batch = list_enterprises(personas.tongxu_hq, [personas.ent_a, personas.ent_b])
        Batch.objects.filter(pk=batch.pk).update(published_at=timezone.make_aware(datetime(2022, 5, 20, 10)))

        assert target_warnings(region(TONGXU), today=date(2022, 7, 1)) == []

    def test_deadlines_are_region_parameters(self, personas: Any) -> None:
        parameter_set(actor=personas.admin, key="whitelist.first_batch_by", region=region(TONGXU), value="06-15")

        assert target_warnings(region(TONGXU), today=date(2022, 6, 1)) == []
        assert len(target_warnings(region(TONGXU), today=date(2022, 6, 16))) == 1


# --- WL-8: spot checks and removal -----------------------------------------------------------------------------


class TestRemoval:
    @pytest.fixture
    def listing(self, qualified: Any) -> Listing:
        batch_publish(
            actor=qualified.tongxu_hq, applications=[approved(qualified.ent_a_user, qualified.tongxu_industry)]
        )
        return Listing.objects.get(enterprise=qualified.ent_a)

    def propose(self, personas: Any, listing: Listing) -> Any:
        check = spot_check_record(
            actor=personas.tongxu_industry,
            listing=listing,
            checked_on=timezone.localdate(),
            inspectors="县科工信局、县指挥部办公室",
            result=SpotCheckResult.FAILED,
            findings="未落实闭环管理，员工未按要求进行核酸检测",
        )
        assert "whitelist.spot_check" in inbox(listing.enterprise)
        return removal_propose(
            actor=personas.tongxu_industry,
            listing=listing,
            reason=RemovalReason.EPIDEMIC_MEASURES,
            details="防控措施落实不到位导致疫情传入",
            spot_check=check,
        )

    def test_propose_then_hq_confirms_removes_and_publishes(self, personas: Any, listing: Listing) -> None:
        removal = self.propose(personas, listing)
        assert removal.state == RemovalState.PROPOSED
        assert listing_status(personas.ent_a).listed is True  # nothing happens before the HQ decides

        removal = removal_decide(actor=personas.tongxu_hq, removal=removal, action="confirm")

        listing.refresh_from_db()
        assert removal.state == RemovalState.CONFIRMED
        assert listing.removed_at is not None
        assert (listing.removal_reason, listing.removal_note) == (
            RemovalReason.EPIDEMIC_MEASURES,
            "防控措施落实不到位导致疫情传入",
        )
        assert listing_status(personas.ent_a).listed is False
        assert "whitelist.removed" in inbox(personas.ent_a)
        assert [log.action for log in history(removal)] == ["confirm"]
        # Published: the public whitelist page lists the removal with its reason.
        page = Client().get(reverse("public:whitelist")).content.decode()
        removals = page.split('data-testid="removals"', 1)[1]
        assert personas.ent_a.name in removals
        assert str(RemovalReason.EPIDEMIC_MEASURES.label) in removals or "疫情" in removals

    def test_hq_declines_with_a_reason_and_the_listing_stays(self, personas: Any, listing: Listing) -> None:
        removal = self.propose(personas, listing)

        with pytest.raises(ServiceError):
            removal_decide(actor=personas.tongxu_hq, removal=removal, action="decline")
        removal = removal_decide(actor=personas.tongxu_hq, removal=removal, action="decline", reason="已整改到位")

        assert removal.state == RemovalState.DECLINED
        assert listing_status(personas.ent_a).listed is True
        assert "whitelist.removed" not in inbox(personas.ent_a)
        # Declined: a new proposal may be made later.
        removal_propose(
            actor=personas.tongxu_industry, listing=listing, reason=RemovalReason.LAW, details="违法占用耕地"
        )

    def test_only_the_hq_office_over_the_enterprise_decides(self, personas: Any, listing: Listing) -> None:
        removal = self.propose(personas, listing)

        for outsider in (personas.tongxu_industry, personas.xinzheng_hq):
            with pytest.raises(PermissionRefused) as refused:
                removal_decide(actor=outsider, removal=removal, action="confirm")
            assert refused.value.code == "whitelist.removal.confirm.forbidden"
        removal_decide(actor=personas.kaifeng_hq, removal=removal, action="confirm")  # the city is above 通许

    def test_one_pending_proposal_at_a_time_and_facts_required(self, personas: Any, listing: Listing) -> None:
        with pytest.raises(ServiceError) as refused:
            removal_propose(actor=personas.tongxu_industry, listing=listing, reason=RemovalReason.LAW, details=" ")
        assert refused.value.field == "details"
        self.propose(personas, listing)

        with pytest.raises(StateRefused) as refused:
            removal_propose(actor=personas.tongxu_industry, listing=listing, reason=RemovalReason.LAW, details="又一次")
        assert refused.value.code == "whitelist.removal.pending"

    def test_out_of_scope_department_cannot_check_or_propose(self, personas: Any, listing: Listing) -> None:
        with pytest.raises(PermissionRefused):
            spot_check_record(
                actor=personas.tongxu_commerce,  # another sector
                listing=listing,
                checked_on=timezone.localdate(),
                inspectors="县商务局",
                result=SpotCheckResult.PASSED,
            )
        with pytest.raises(ServiceError) as refused:
            spot_check_record(
                actor=personas.tongxu_industry,
                listing=listing,
                checked_on=timezone.localdate() + timedelta(days=1),
                inspectors="县科工信局",
                result=SpotCheckResult.PASSED,
            )
        assert refused.value.code == "whitelist.spot_check.date"


# --- OR-5: liaison coverage -----------------------------------------------------------------------------------


class TestLiaisonGaps:
    def test_lists_listed_enterprises_missing_any_of_the_three(self, personas: Any) -> None:
        tongxu = region(TONGXU)
        hospital = Unit.objects.create(region=tongxu, kind=UnitKind.MEDICAL, name="通许县人民医院")
        office = Unit.objects.create(region=tongxu, kind=UnitKind.DEPARTMENT, name="通许县科工信局")
        cadre = Person.objects.create(name="王建国", post="县科工信局副局长")
        officer = Person.objects.create(name="李秀英", post="企业防疫专员")
        complete = industry("通许县鑫源食品有限公司", "100")
        no_hospital = industry("通许县宏泰包装材料有限公司", "100")
        nothing = industry("通许县瑞丰印务有限公司", "100")
        unlisted = industry("通许县金鼎木业有限公司", "100")
        list_enterprises(personas.tongxu_hq, [complete, no_hospital, nothing, personas.ent_b])
        hq = personas.tongxu_hq
        liaison_assign(
            actor=hq, enterprise=complete, liaison_cadre=cadre, epidemic_officer=officer, medical_institution=hospital
        )
        liaison_assign(
            actor=hq, enterprise=no_hospital, liaison_cadre=cadre, epidemic_officer=officer, medical_institution=None
        )
        liaison_assign(
            actor=hq, enterprise=unlisted, liaison_cadre=None, epidemic_officer=None, medical_institution=None
        )

        gaps = set(liaison_gaps(hq, tongxu))

        assert gaps == {no_hospital, nothing, personas.ent_b}
        assert set(liaison_gaps(personas.tongxu_industry, tongxu)) == {no_hospital, nothing}  # its sector only
        assert not liaison_gaps(personas.xinzheng_hq, tongxu).exists()

        with pytest.raises(ServiceError) as refused:
            liaison_assign(
                actor=hq, enterprise=nothing, liaison_cadre=cadre, epidemic_officer=officer, medical_institution=office
            )
        assert refused.value.field == "medical_institution"
        with pytest.raises(PermissionRefused):
            liaison_assign(
                actor=personas.xinzheng_hq,
                enterprise=nothing,
                liaison_cadre=cadre,
                epidemic_officer=officer,
                medical_institution=hospital,
            )


# --- WL-2: criteria in force ---------------------------------------------------------------------------------


class TestCriteriaInForce:
    def test_nearest_region_wins_and_drafts_are_ignored(self, personas: Any) -> None:
        kaifeng_industry = make_user(
            "p_kaifeng_industry", Role.SECTOR_DEPARTMENT, region=region("410200"), sector=Sector.INDUSTRY
        )
        city = criteria_publish(
            actor=kaifeng_industry,
            criteria=criteria_save(
                actor=kaifeng_industry,
                region=region("410200"),
                sector=Sector.INDUSTRY,
                title="开封市标准",
                rule=criteria_for_region("410200"),
            ),
        )
        county_draft = criteria_save(
            actor=personas.tongxu_industry,
            region=region(TONGXU),
            sector=Sector.INDUSTRY,
            title="通许县标准（草稿）",
            rule=criteria_for_region(TONGXU),
        )
        lankao = EnterpriseFactory(region=region("410225"), sector=Sector.INDUSTRY)

        assert criteria_in_force(personas.ent_a) == city  # the county's is only a draft
        county = criteria_publish(actor=personas.tongxu_industry, criteria=county_draft)
        assert criteria_in_force(personas.ent_a) == county  # nearest region wins
        assert criteria_in_force(lankao) == city
        assert criteria_in_force(personas.ent_xinzheng) is None
        assert criteria_in_force(personas.ent_b) is None  # no commerce criteria anywhere above it

    def test_publishing_again_retires_the_old_version(self, personas: Any, criteria: Any) -> None:
        old = criteria[Sector.INDUSTRY]
        new = criteria_publish(
            actor=personas.tongxu_industry,
            criteria=criteria_save(
                actor=personas.tongxu_industry,
                region=region(TONGXU),
                sector=Sector.INDUSTRY,
                title="通许县标准（修订）",
                rule=criteria_for_region(TONGXU),
            ),
        )

        old.refresh_from_db()
        assert old.status == CriteriaStatus.RETIRED
        assert criteria_in_force(personas.ent_a) == new
        with pytest.raises(StateRefused):
            criteria_publish(actor=personas.tongxu_industry, criteria=new)

    def test_only_the_regions_own_department_edits_and_the_rule_must_validate(self, personas: Any) -> None:
        with pytest.raises(PermissionRefused):
            criteria_save(
                actor=personas.tongxu_commerce,
                region=region(TONGXU),
                sector=Sector.INDUSTRY,
                title="越权",
                rule=criteria_for_region(TONGXU),
            )
        with pytest.raises(ServiceError) as refused:
            criteria_save(
                actor=personas.tongxu_industry,
                region=region(TONGXU),
                sector=Sector.INDUSTRY,
                title="坏规则",
                rule={"all": [{"field": "nonsense", "op": "eq", "value": 1}]},
            )
        assert refused.value.code == "whitelist.criteria.invalid"


def test_liaison_people_must_serve_the_enterprises_county(personas: Any) -> None:
    """OR-5: a 新郑 cadre cannot be the liaison of a 通许 enterprise; nothing is saved."""
    from sibao.core.errors import ServiceError
    from sibao.organisation.models import Liaison, Person, Unit, UnitKind
    from sibao.whitelist.services import liaison_assign

    xinzheng_office = Unit.objects.create(region=region("410184"), kind=UnitKind.DEPARTMENT, name="新郑市科工信局")
    outsider = Person.objects.create(name="赵六", employer=xinzheng_office)
    with pytest.raises(ServiceError) as refused:
        liaison_assign(
            actor=personas.tongxu_hq,
            enterprise=personas.ent_a,
            liaison_cadre=outsider,
            epidemic_officer=None,
            medical_institution=None,
        )
    assert refused.value.field == "liaison_cadre"
    assert not Liaison.objects.filter(enterprise=personas.ent_a).exists()
