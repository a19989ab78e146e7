"""WL-3/WL-4/WL-5 pages: apply with pre-check, review by scope, refused actions change nothing, batches."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from conftest import Personas, client_for, make_user, region
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.parameters.services import parameter_set
from sibao.whitelist import selectors, services
from sibao.whitelist.models import Application, ApplicationState, AttachmentKind, Batch, Listing
from sibao.whitelist.tests.flows import (
    pdf,
    publish_default_criteria,
    submitted_application,
)

pytestmark = pytest.mark.django_db

FORM = {
    "contact_name": "王经理",
    "contact_phone": "13800000000",
    "statement": "保障县内机械配件供应",
    "measures": "闭环管理，每日核酸",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def criteria(personas: Personas) -> Any:
    """003#二 published for 通许县's industry sector."""
    return publish_default_criteria(personas.tongxu_industry)


def draft_for(personas: Personas) -> Application:
    return services.application_start(actor=personas.ent_a_user, data=FORM)


def submitted_for(personas: Personas) -> Application:
    return submitted_application(personas.ent_a_user, FORM)


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- apply ---------------------------------------------------------------------------------------


def test_apply_shows_the_precheck_condition_by_condition(personas: Personas, criteria: Any) -> None:
    page = page_text(client_for(personas.ent_a_user), "/whitelist/apply/")
    assert 'data-testid="application-form"' in page
    # 003#二's labels, each with its outcome; ent_a is not 规上 etc., so the "one of" group fails.
    assert "在县内注册" in page and "规上工业企业" in page and "近三年发生重大安全、重大质量事故" in page
    assert 'data-result="failed"' in page
    assert 'data-state="failed"' in page and 'data-state="ok"' in page


def test_apply_precheck_passes_for_an_eligible_enterprise(personas: Personas, criteria: Any) -> None:
    personas.ent_a.above_designated_size = True
    personas.ent_a.save()
    page = page_text(client_for(personas.ent_a_user), "/whitelist/apply/")
    assert 'data-result="passed"' in page and 'data-state="failed"' not in page
    assert 'data-state="neutral"' in page  # the other alternatives of the satisfied "one of"


def test_apply_says_when_no_criteria_are_published(personas: Personas) -> None:
    page = page_text(client_for(personas.ent_a_user), "/whitelist/apply/")
    assert 'data-result="none"' in page


def test_saving_the_form_starts_a_draft_then_edits_it(personas: Personas, criteria: Any) -> None:
    client = client_for(personas.ent_a_user)
    response = client.post("/whitelist/apply/", {**FORM, "save": "1"})
    assert response.status_code == 302
    application = Application.objects.get(enterprise=personas.ent_a)
    assert application.state == ApplicationState.DRAFT and application.contact_name == "王经理"
    assert application.precheck_passed is False

    client.post("/whitelist/apply/", {**FORM, "contact_name": "李主任", "save": "1"})
    application.refresh_from_db()
    assert application.contact_name == "李主任"
    assert Application.objects.filter(enterprise=personas.ent_a).count() == 1


def test_an_incomplete_form_creates_nothing(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).post("/whitelist/apply/", {**FORM, "measures": "", "save": "1"})
    assert response.status_code == 200
    assert 'data-field="measures"' in response.content.decode()
    assert not Application.objects.exists()


def test_upload_errors_are_shown_next_to_the_field(personas: Personas, criteria: Any) -> None:
    application = draft_for(personas)
    client = client_for(personas.ent_a_user)
    fake = SimpleUploadedFile("承诺书.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post("/whitelist/apply/", {"kind": AttachmentKind.COMMITMENT, "file": fake, "upload": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    expected = _("%(name)s is not really a %(type)s file.") % {"name": "承诺书.pdf", "type": "PDF"}
    assert 'data-field="file"' in page and expected in page
    assert not application.attachments.exists()

    response = client.post("/whitelist/apply/", {"kind": "", "file": pdf(), "upload": "1"})
    assert 'data-field="kind"' in response.content.decode()

    response = client.post("/whitelist/apply/", {"kind": AttachmentKind.COMMITMENT, "file": pdf(), "upload": "1"})
    assert response.status_code == 302
    assert application.attachments.get().kind == AttachmentKind.COMMITMENT
    assert "申请表.pdf" in page_text(client, "/whitelist/apply/")


def test_submitting_without_attachments_is_refused_and_changes_nothing(personas: Personas, criteria: Any) -> None:
    application = draft_for(personas)
    client = client_for(personas.ent_a_user)
    response = client.post(f"/whitelist/applications/{application.pk}/act/", {"action": "submit", "next": "apply"})
    assert response.status_code == 302 and response["Location"] == "/whitelist/apply/"
    assert any(str(AttachmentKind.COMMITMENT.label) in message for message in messages_of(response))
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert not TransitionLog.objects.filter(object_id=application.pk).exists()


def test_a_failing_precheck_may_still_be_submitted_with_a_warning(personas: Personas, criteria: Any) -> None:
    application = draft_for(personas)
    for kind in (AttachmentKind.APPLICATION_FORM, AttachmentKind.COMMITMENT):
        services.attachment_add(actor=personas.ent_a_user, application=application, kind=kind, upload=pdf())
    client = client_for(personas.ent_a_user)
    assert 'data-testid="submit-warning"' in page_text(client, "/whitelist/apply/")
    response = client.post(f"/whitelist/applications/{application.pk}/act/", {"action": "submit", "next": "apply"})
    assert response["Location"] == f"/whitelist/applications/{application.pk}/"
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.precheck_passed is False
    assert any("pre-check" in message or "预审" in message for message in messages_of(response))

    # Submitted: the apply page shows the state and history, no form.
    page = page_text(client, "/whitelist/apply/")
    assert 'data-testid="application-form"' not in page
    assert application.get_state_display() in page and f"/whitelist/applications/{application.pk}/" in page


def test_apply_is_for_enterprise_users(personas: Personas) -> None:
    assert client_for(personas.tongxu_industry).get("/whitelist/apply/").status_code == 403
    assert Client().get("/whitelist/apply/").status_code == 302  # to the login page


# --- list ----------------------------------------------------------------------------------------


def test_officials_see_applications_in_scope_with_failures_marked(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    page = page_text(client_for(personas.tongxu_industry), "/whitelist/")
    assert personas.ent_a.name in page and 'data-testid="precheck-failed"' in page
    assert personas.ent_a.name in page_text(client_for(personas.kaifeng_hq), "/whitelist/")
    assert personas.ent_a.name not in page_text(client_for(personas.xinzheng_hq), "/whitelist/")
    assert personas.ent_a.name not in page_text(client_for(personas.tongxu_commerce), "/whitelist/")
    # Filters
    industry = client_for(personas.tongxu_industry)
    assert personas.ent_a.name in page_text(industry, "/whitelist/?state=to_review")
    assert personas.ent_a.name not in page_text(industry, "/whitelist/?state=approved")
    assert personas.ent_a.name not in page_text(industry, "/whitelist/?precheck=passed")
    assert application.pk


def test_drafts_are_not_listed_by_default(personas: Personas, criteria: Any) -> None:
    draft_for(personas)
    industry = client_for(personas.tongxu_industry)
    assert personas.ent_a.name not in page_text(industry, "/whitelist/")
    assert personas.ent_a.name in page_text(industry, "/whitelist/?state=all")


def test_enterprise_user_is_sent_to_its_application_or_the_apply_page(personas: Personas, criteria: Any) -> None:
    client = client_for(personas.ent_a_user)
    assert client.get("/whitelist/")["Location"] == "/whitelist/apply/"
    application = draft_for(personas)
    assert client.get("/whitelist/")["Location"] == f"/whitelist/applications/{application.pk}/"


def test_priority_applications_come_first(personas: Personas, criteria: Any) -> None:
    submitted_for(personas)
    personas.ent_b.city_operation = True
    personas.ent_b.save()
    services.application_start(actor=personas.ent_b_user, data=FORM)
    page = page_text(client_for(personas.tongxu_hq), "/whitelist/?state=all")
    assert page.index(personas.ent_b.name) < page.index(personas.ent_a.name)


# --- detail and actions --------------------------------------------------------------------------


def test_detail_shows_everything_and_the_reviewers_buttons(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    page = page_text(client_for(personas.tongxu_industry), f"/whitelist/applications/{application.pk}/")
    assert personas.ent_a.uscc in page and FORM["measures"] in page
    assert "在县内注册" in page and 'data-result="failed"' in page
    assert 'data-action="approve"' in page and 'data-action="reject"' in page and 'data-action="return"' in page
    assert 'name="reason"' in page
    assert "申请表.pdf" in page
    assert str(_("Submit")) in page  # the history's first row
    assert personas.ent_a_user.username in page

    own = page_text(client_for(personas.ent_a_user), f"/whitelist/applications/{application.pk}/")
    assert 'data-action="approve"' not in own and 'data-action="withdraw"' in own


@pytest.mark.parametrize("persona", ["ent_b_user", "xinzheng_hq", "tongxu_commerce"])
def test_out_of_scope_detail_is_not_found(personas: Personas, criteria: Any, persona: str) -> None:
    application = submitted_for(personas)
    client = client_for(getattr(personas, persona))
    assert client.get(f"/whitelist/applications/{application.pk}/").status_code == 404
    response = client.post(f"/whitelist/applications/{application.pk}/act/", {"action": "withdraw"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_reject_without_reason_is_refused_and_changes_nothing(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    logs = TransitionLog.objects.count()
    client = client_for(personas.tongxu_industry)
    response = client.post(f"/whitelist/applications/{application.pk}/act/", {"action": "reject", "reason": " "})
    assert response.status_code == 302
    assert str(_("Give a reason.")) in messages_of(response)
    page = client.get(response["Location"]).content.decode()
    assert str(_("Give a reason.")) in page
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.decided_at is None
    assert TransitionLog.objects.count() == logs


def test_a_township_may_not_approve(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    client = client_for(personas.tongxu_township)
    page = page_text(client, f"/whitelist/applications/{application.pk}/")
    assert 'data-action="approve"' not in page
    response = client.post(f"/whitelist/applications/{application.pk}/act/", {"action": "approve"}, follow=True)
    assert str(_("Only the sector department may decide on an application.")) in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_approve_and_return_are_recorded_with_who_and_why(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    client = client_for(personas.tongxu_industry)
    url = f"/whitelist/applications/{application.pk}/"
    client.post(f"{url}act/", {"action": "return", "reason": "承诺书未盖章"})
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    page = page_text(client_for(personas.ent_a_user), "/whitelist/apply/")
    assert "承诺书未盖章" in page and 'data-testid="application-form"' in page

    services.application_submit(actor=personas.ent_a_user, application=application)
    client.post(f"{url}act/", {"action": "approve"})
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED and application.decided_by == personas.tongxu_industry
    page = page_text(client, url)
    assert "承诺书未盖章" in page and str(_("Approve")) in page and 'data-action="approve"' not in page


def test_action_needs_post(personas: Personas, criteria: Any) -> None:
    application = draft_for(personas)
    assert client_for(personas.ent_a_user).get(f"/whitelist/applications/{application.pk}/act/").status_code == 405


# --- attachments ---------------------------------------------------------------------------------


def test_attachment_download_follows_the_applications_scope(personas: Personas, criteria: Any) -> None:
    application = submitted_for(personas)
    attachment = application.attachments.get(kind=AttachmentKind.APPLICATION_FORM)
    url = f"/whitelist/applications/{application.pk}/attachments/{attachment.pk}/"
    for user in (personas.ent_a_user, personas.tongxu_industry, personas.tongxu_township):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
        assert "attachment" in response["Content-Disposition"]
        assert "%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf" in response["Content-Disposition"]  # 申请表.pdf
    for user in (personas.ent_b_user, personas.xinzheng_hq, personas.tongxu_commerce):
        assert client_for(user).get(url).status_code == 404
    other = submitted_other(personas)
    assert (
        client_for(personas.ent_a_user)
        .get(f"/whitelist/applications/{application.pk}/attachments/{other}/")
        .status_code
        == 404
    )


def submitted_other(personas: Personas) -> int:
    """An attachment of ent_b's application, to prove ids are checked against the application."""
    application = services.application_start(actor=personas.ent_b_user, data=FORM)
    attachment = services.attachment_add(
        actor=personas.ent_b_user, application=application, kind=AttachmentKind.OTHER, upload=pdf("b.pdf")
    )
    return attachment.pk


# --- batches -------------------------------------------------------------------------------------


def approved(personas: Personas) -> Application:
    application = submitted_for(personas)
    return services.application_act(actor=personas.tongxu_industry, application=application, action="approve")


def test_hq_office_publishes_a_batch(personas: Personas, criteria: Any) -> None:
    application = approved(personas)
    client = client_for(personas.tongxu_hq)
    page = page_text(client, "/whitelist/batches/")
    assert personas.ent_a.name in page and f'value="{application.pk}"' in page
    for warning in selectors.target_warnings(region("410222")):
        assert warning in page

    response = client.post("/whitelist/batches/", {"applications": [application.pk], "note": "第一批"})
    assert response.status_code == 302
    batch = Batch.objects.get(region__code="410222")
    assert batch.number == 1 and batch.note == "第一批"
    assert Listing.objects.get(enterprise=personas.ent_a).batch == batch
    application.refresh_from_db()
    assert application.state == ApplicationState.LISTED
    page = page_text(client, "/whitelist/batches/")
    assert 'data-testid="batch"' in page and personas.ent_a.uscc in page
    assert selectors.listing_status(personas.ent_a).listed
    own = page_text(client_for(personas.ent_a_user), "/whitelist/apply/")
    assert 'data-testid="listing-status"' in own and 'data-testid="application-form"' not in own


def test_batches_page_bounds_each_batch_and_pages_the_batches(
    personas: Personas, criteria: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: each batch shows its size and its first listings only; batches are paged."""
    from sibao.whitelist.views import applications as views

    application = approved(personas)
    client = client_for(personas.tongxu_hq)
    client.post("/whitelist/batches/", {"applications": [application.pk], "note": "第一批"})
    monkeypatch.setattr(views, "LISTINGS_PER_BATCH", 0)
    page = page_text(client, "/whitelist/batches/")
    assert 'data-testid="batch-size"' in page and personas.ent_a.uscc not in page
    assert str(_("Showing %(shown)s of %(total)s; the public page lists them all.") % {"shown": 0, "total": 1}) in page
    monkeypatch.setattr(views, "LISTINGS_PER_BATCH", 20)
    monkeypatch.setattr(views, "BATCHES_PER_PAGE", 1)
    assert personas.ent_a.uscc in page_text(client, "/whitelist/batches/?page=1")


def test_publishing_nothing_is_refused(personas: Personas, criteria: Any) -> None:
    approved(personas)
    response = client_for(personas.tongxu_hq).post("/whitelist/batches/", {"note": "空"}, follow=True)
    assert str(_("Choose at least one approved application.")) in response.content.decode()
    assert not Batch.objects.exists()


def test_another_countys_hq_cannot_publish_our_application(personas: Personas, criteria: Any) -> None:
    application = approved(personas)
    client = client_for(personas.xinzheng_hq)
    assert personas.ent_a.name not in page_text(client, "/whitelist/batches/")
    response = client.post("/whitelist/batches/", {"applications": [application.pk]})
    assert response.status_code == 200  # the choice is not among its own: refused by the form
    assert not Batch.objects.exists()
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED


@pytest.mark.parametrize("persona", ["tongxu_industry", "tongxu_township", "ent_a_user"])
def test_batches_page_is_for_the_hq_office(personas: Personas, persona: str) -> None:
    assert client_for(getattr(personas, persona)).get("/whitelist/batches/").status_code == 403


def test_list_and_batches_pages_do_not_query_per_row(personas: Personas, criteria: Any) -> None:
    def counts() -> tuple[int, int]:
        numbers = []
        for user, url in ((personas.tongxu_industry, "/whitelist/"), (personas.tongxu_hq, "/whitelist/batches/")):
            client = client_for(user)
            client.get(url)  # warm-up: session clock, the coverage summary's first build (issue 10)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            numbers.append(len(queries))
        return numbers[0], numbers[1]

    application = submitted_for(personas)
    services.application_act(actor=personas.tongxu_industry, application=application, action="approve")
    one = counts()
    for index in range(4):
        enterprise = EnterpriseFactory(region=personas.ent_a.region, sector=Sector.INDUSTRY)
        user = make_user(f"p_ent_extra{index}", Role.ENTERPRISE, enterprise=enterprise)
        extra = services.application_start(actor=user, data=FORM)
        for kind in (AttachmentKind.APPLICATION_FORM, AttachmentKind.COMMITMENT):
            services.attachment_add(actor=user, application=extra, kind=kind, upload=pdf())
        extra = services.application_submit(actor=user, application=extra)
        services.application_act(actor=personas.tongxu_industry, application=extra, action="approve")
    assert counts() == one


def test_township_first_check_buttons_and_its_reason(personas: Personas, criteria: Any) -> None:
    parameter_set(actor=personas.admin, key="whitelist.township_first_check", region=region("410222"), value=True)
    application = submitted_for(personas)
    url = f"/whitelist/applications/{application.pk}/"
    township = client_for(personas.tongxu_township)
    page = page_text(township, url)
    assert 'data-action="township_pass"' in page and 'data-action="township_return"' in page
    assert 'data-action="approve"' not in page_text(client_for(personas.tongxu_industry), url)

    response = township.post(f"{url}act/", {"action": "township_return", "reason": ""})
    assert str(_("Give a reason.")) in messages_of(response)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    township.post(f"{url}act/", {"action": "township_pass"})
    application.refresh_from_db()
    assert application.state == ApplicationState.TOWNSHIP_CHECKED
    assert 'data-action="approve"' in page_text(client_for(personas.tongxu_industry), url)
