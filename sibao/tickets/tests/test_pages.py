"""Request pages (RQ-1…RQ-6): who may open what, scope answers 404, actions go through the services."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for, make_user, region
from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.organisation.models import Unit
from sibao.tickets import services
from sibao.tickets.models import CommonIssue, Ticket, TicketState

pytestmark = pytest.mark.django_db

S = TicketState


@pytest.fixture
def unit(personas: Personas) -> Unit:
    return Unit.objects.create(region=region("410222"), kind="department", function="industry_it", name="通许县工信局")


@pytest.fixture
def unit_user(unit: Unit) -> User:
    return make_user("p_unit_gx", Role.SECTOR_DEPARTMENT, region=region("410222"), unit=unit)


@pytest.fixture
def other_unit_user(personas: Personas) -> User:
    other = Unit.objects.create(region=region("410222"), kind="department", function="commerce", name="通许县商务局")
    return make_user("p_unit_sw", Role.SECTOR_DEPARTMENT, region=region("410222"), unit=other)


def file_ticket(personas: Personas, title: str = "原材料钢材采购困难", **data: Any) -> Ticket:
    fields = {
        "category": "raw_materials",
        "urgency": "normal",
        "title": title,
        "text": "钢材供应商停产，急需协调货源。",
    }
    fields.update(data)
    return services.ticket_file(actor=personas.ent_a_user, enterprise=personas.ent_a, data=fields)


def act(user: User, ticket: Ticket, action: str, **fields: Any) -> Any:
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client_for(user).post(reverse("tickets:act", args=[ticket.pk]), data, follow=True)


# --- Who may open which page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ent_a_user", 200),
        ("tongxu_hq", 200),
        ("tongxu_township", 200),
        ("tongxu_supervision", 200),
        ("tongxu_leader", 200),
        ("tongxu_epidemic", 200),
        ("admin", 200),
    ],
)
def test_list_for_roles(personas: Personas, persona: str, status: int) -> None:
    file_ticket(personas)
    response = client_for(getattr(personas, persona)).get(reverse("tickets:list"))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("tongxu_hq", 200), ("henan_hq", 200), ("ent_a_user", 403), ("tongxu_supervision", 403), ("tongxu_leader", 403)],
)
def test_triage_only_for_hq(personas: Personas, persona: str, status: int) -> None:
    assert client_for(getattr(personas, persona)).get(reverse("tickets:triage")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ent_a_user", 200), ("tongxu_hq", 200), ("tongxu_township", 200), ("tongxu_supervision", 403)],
)
def test_new_for_filers(personas: Personas, persona: str, status: int) -> None:
    assert client_for(getattr(personas, persona)).get(reverse("tickets:new")).status_code == status


def test_common_issues_refused_to_enterprise(personas: Personas) -> None:
    assert client_for(personas.ent_a_user).get(reverse("tickets:common_issues")).status_code == 403
    assert client_for(personas.tongxu_hq).get(reverse("tickets:common_issues")).status_code == 200


def test_anonymous_is_sent_to_login(client: Any, personas: Personas) -> None:
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Scope: out of scope is 404 -------------------------------------------------------------------------


def test_detail_scope(personas: Personas, unit_user: User, other_unit_user: User) -> None:
    ticket = file_ticket(personas)
    url = reverse("tickets:detail", args=[ticket.pk])
    assert client_for(personas.ent_a_user).get(url).status_code == 200
    assert client_for(personas.tongxu_hq).get(url).status_code == 200
    assert client_for(personas.tongxu_supervision).get(url).status_code == 200
    assert client_for(personas.ent_b_user).get(url).status_code == 404
    assert client_for(personas.xinzheng_hq).get(url).status_code == 404
    assert client_for(unit_user).get(url).status_code == 404  # not assigned to it yet
    services.ticket_assign(actor=personas.tongxu_hq, ticket=ticket, unit=unit_user.unit)
    assert client_for(unit_user).get(url).status_code == 200
    assert client_for(other_unit_user).get(url).status_code == 404
    # Actions and attachments answer 404 out of scope too.
    response = client_for(personas.ent_b_user).post(reverse("tickets:act", args=[ticket.pk]), {"action": "close"})
    assert response.status_code == 404


def test_list_shows_only_own(personas: Personas) -> None:
    mine = file_ticket(personas, title="钢材采购")
    services.ticket_file(
        actor=personas.ent_b_user,
        enterprise=personas.ent_b,
        data={"category": "labour", "title": "招工难", "text": "缺少操作工二十名"},
    )
    page = client_for(personas.ent_a_user).get(reverse("tickets:list")).content.decode()
    assert mine.number in page and "招工难" not in page
    hq_page = client_for(personas.tongxu_hq).get(reverse("tickets:list")).content.decode()
    assert "招工难" in hq_page and "钢材采购" in hq_page
    filtered = client_for(personas.tongxu_hq).get(reverse("tickets:list"), {"category": "labour"}).content.decode()
    assert "招工难" in filtered and "钢材采购" not in filtered


# --- Filing --------------------------------------------------------------------------------------------


def test_enterprise_files_with_attachments(personas: Personas, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n x", content_type="image/png"),
    ]
    response = client_for(personas.ent_a_user).post(
        reverse("tickets:new"),
        {
            "category": "logistics",
            "urgency": "urgent",
            "title": "货车通行证",
            "text": "需办理通行证",
            "attachments": files,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert ticket.enterprise == personas.ent_a and ticket.attachments.count() == 2
    attachment = ticket.attachments.first()
    assert attachment is not None
    download = reverse("tickets:attachment", args=[ticket.pk, attachment.pk])
    assert client_for(personas.ent_a_user).get(download).status_code == 200
    assert client_for(personas.ent_b_user).get(download).status_code == 404


def test_rejected_attachment_type_files_nothing(personas: Personas) -> None:
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client_for(personas.ent_a_user).post(
        reverse("tickets:new"),
        {"category": "labour", "urgency": "normal", "title": "招工", "text": "缺人", "attachments": [bad]},
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert "virus.exe" in response.content.decode(), response.context["form"].errors


def test_official_files_only_for_visible_enterprise(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    page = client.get(reverse("tickets:new")).content.decode()
    assert personas.ent_a.name in page and personas.ent_xinzheng.name not in page
    data = {"category": "labour", "urgency": "normal", "title": "招工", "text": "缺人"}
    response = client.post(reverse("tickets:new"), {**data, "enterprise": personas.ent_xinzheng.pk})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    response = client.post(reverse("tickets:new"), {**data, "enterprise": personas.ent_a.pk})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.enterprise == personas.ent_a and ticket.filed_by == personas.tongxu_hq


# --- Detail and actions ----------------------------------------------------------------------------------


def test_detail_offers_assign_with_routing_default(personas: Personas, unit: Unit) -> None:
    ticket = file_ticket(personas)
    response = client_for(personas.tongxu_hq).get(reverse("tickets:detail", args=[ticket.pk]))
    forms = [item["action"] for item in response.context["action_forms"]]
    assert "assign" in forms
    assign = next(item["form"] for item in response.context["action_forms"] if item["action"] == "assign")
    assert assign.initial["unit"] == unit
    # The enterprise sees no action while it waits for assignment.
    response = client_for(personas.ent_a_user).get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.context["action_forms"] == []


def test_refused_action_shows_reason_and_changes_nothing(personas: Personas, unit: Unit) -> None:
    ticket = file_ticket(personas)
    response = act(personas.ent_a_user, ticket, "assign", unit=unit.pk)
    ticket.refresh_from_db()
    assert ticket.state == S.SUBMITTED and ticket.unit is None
    page = response.content.decode()
    assert "alert-danger" in page
    # Closing a submitted request is refused by state.
    response = act(personas.tongxu_hq, ticket, "close")
    ticket.refresh_from_db()
    assert ticket.state == S.SUBMITTED and "alert-danger" in response.content.decode()


def test_missing_reason_refused(personas: Personas, unit_user: User) -> None:
    ticket = file_ticket(personas)
    services.ticket_assign(actor=personas.tongxu_hq, ticket=ticket, unit=unit_user.unit)
    act(unit_user, ticket, "return_to_hq", reason="")
    ticket.refresh_from_db()
    assert ticket.state == S.ASSIGNED and ticket.unit == unit_user.unit


def test_full_loop_through_pages(personas: Personas, unit_user: User) -> None:
    ticket = file_ticket(personas)
    due = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    act(personas.tongxu_hq, ticket, "assign", unit=unit_user.unit.pk, due_at=due)  # type: ignore[union-attr]
    ticket.refresh_from_db()
    assert ticket.state == S.ASSIGNED and ticket.unit == unit_user.unit
    act(unit_user, ticket, "respond", text="已受理，正在协调")
    act(unit_user, ticket, "note", text="内部：已联系供应商", visible_to_enterprise="")
    act(unit_user, ticket, "request_info", question="请提供采购合同")
    ticket.refresh_from_db()
    assert ticket.state == S.WAITING
    page = client_for(personas.ent_a_user).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "请提供采购合同" in page and "内部：已联系供应商" not in page and 'data-deadline="paused"' in page
    act(personas.ent_a_user, ticket, "provide_info", text="合同已上传")
    act(unit_user, ticket, "answer", outcome="resolved", reply="已协调新供应商供货")
    act(personas.ent_a_user, ticket, "rate", satisfaction="satisfied", score="5", comment="")
    act(personas.tongxu_supervision, ticket, "verify", verification="电话回访属实")
    response = act(personas.tongxu_hq, ticket, "close")
    ticket.refresh_from_db()
    assert ticket.state == S.CLOSED and ticket.score == 5
    assert "alert-success" in response.content.decode()
    history = response.context["history"]
    assert [row["to_state"] for row in history][-1] == ticket.get_state_display()


def test_unsatisfied_rating_needs_comment(personas: Personas, unit_user: User) -> None:
    ticket = file_ticket(personas)
    services.ticket_assign(actor=personas.tongxu_hq, ticket=ticket, unit=unit_user.unit)
    services.ticket_answer(actor=unit_user, ticket=ticket, outcome="partly", reply="部分解决")
    act(personas.ent_a_user, ticket, "rate", satisfaction="unsatisfied", score="2", comment="")
    ticket.refresh_from_db()
    assert ticket.state == S.ANSWERED
    act(personas.ent_a_user, ticket, "rate", satisfaction="unsatisfied", score="2", comment="仍缺货")
    ticket.refresh_from_db()
    assert ticket.state == S.IN_PROGRESS and ticket.reopen_count == 1


def test_supervision_notice_on_overdue(personas: Personas, unit_user: User) -> None:
    ticket = file_ticket(personas)
    services.ticket_assign(actor=personas.tongxu_hq, ticket=ticket, unit=unit_user.unit)
    url = reverse("tickets:detail", args=[ticket.pk])
    actions = [i["action"] for i in client_for(personas.tongxu_supervision).get(url).context["action_forms"]]
    assert "notice" not in actions
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    response = client_for(personas.tongxu_supervision).get(url)
    assert "notice" in [i["action"] for i in response.context["action_forms"]]
    assert 'data-deadline="overdue"' in response.content.decode()
    act(personas.tongxu_supervision, ticket, "notice", text="请立即办理")
    assert ticket.notices.count() == 1
    overdue = client_for(personas.tongxu_hq).get(reverse("tickets:list"), {"deadline": "overdue"}).context["rows"]
    assert [row["ticket"].pk for row in overdue] == [ticket.pk]


# --- Triage and common issues ----------------------------------------------------------------------------


def test_triage_queue_with_suggestion_and_duplicates(personas: Personas, unit: Unit) -> None:
    first = file_ticket(personas, title="钢材原料采购困难")
    file_ticket(personas, title="钢材原料采购困难急需")
    response = client_for(personas.tongxu_hq).get(reverse("tickets:triage"))
    rows = response.context["rows"]
    assert len(rows) == 2 and rows[0]["routing"].unit == unit and rows[0]["duplicates"]
    assert client_for(personas.xinzheng_hq).get(reverse("tickets:triage")).context["rows"] == []
    client_for(personas.tongxu_hq).post(
        reverse("tickets:act", args=[first.pk]), {"action": "assign", "next": "triage", "assign-unit": unit.pk}
    )
    first.refresh_from_db()
    assert first.state == S.ASSIGNED and first.unit == unit


def test_common_issue_create_link_and_answer(personas: Personas, unit_user: User) -> None:
    one = file_ticket(personas, title="用电限额")
    two = file_ticket(personas, title="用电限额二")
    client = client_for(personas.tongxu_hq)
    response = client.post(
        reverse("tickets:common_issues"),
        {"title": "工业用电限额", "description": "县电网负荷", "unit": unit_user.unit.pk, "tickets": [one.pk, two.pk]},  # type: ignore[union-attr]
    )
    issue = CommonIssue.objects.get()
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.state == S.LINKED and one.common_issue == issue
    detail = reverse("tickets:common_issue", args=[issue.pk])
    assert client_for(personas.ent_a_user).get(detail).status_code == 403
    assert client_for(personas.xinzheng_hq).get(detail).status_code == 404
    unit_client = client_for(unit_user)
    assert unit_client.get(detail).context["form"] is not None
    unit_client.post(detail, {"outcome": "resolved", "answer": "已调整限额"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.state == two.state == S.ANSWERED and one.reply == "已调整限额"


def test_common_issue_needs_two_requests(personas: Personas, unit: Unit) -> None:
    one = file_ticket(personas)
    response = client_for(personas.tongxu_hq).post(
        reverse("tickets:common_issues"), {"title": "x", "unit": unit.pk, "tickets": [one.pk]}
    )
    assert response.status_code == 200 and CommonIssue.objects.count() == 0
    one.refresh_from_db()
    assert one.state == S.SUBMITTED


def test_navigation_items(personas: Personas) -> None:
    page = client_for(personas.tongxu_hq).get(reverse("tickets:list")).content.decode()
    assert reverse("tickets:triage") in page and reverse("tickets:common_issues") in page
    page = client_for(personas.ent_a_user).get(reverse("tickets:list")).content.decode()
    assert reverse("tickets:triage") not in page


def test_common_issue_form_draws_every_department_and_request_with_its_choice_kept(
    personas: Personas, unit: Unit
) -> None:
    """Issue 10: the form's select and boxes are drawn in one pass; a refused form keeps what was chosen."""
    one = file_ticket(personas, title="用电限额")
    two = file_ticket(personas, title="用电限额二")
    client = client_for(personas.tongxu_hq)
    page = client.get(reverse("tickets:common_issues")).content.decode()
    assert f'<option value="{unit.pk}">{unit.name}</option>' in page
    assert 'class="form-select"' in page and 'name="unit"' in page
    for index, ticket in enumerate([two, one]):  # by category, newest first
        assert f'name="tickets" value="{ticket.pk}" id="id_tickets_{index}">' in page
        assert (
            f'<label class="form-check-label" for="id_tickets_{index}">{ticket.number} {ticket.title}</label>' in page
        )
    refused = client.post(reverse("tickets:common_issues"), {"title": "", "unit": unit.pk, "tickets": [one.pk]})
    kept = refused.content.decode()
    assert f'<option value="{unit.pk}" selected>' in kept
    assert f'value="{one.pk}" id="id_tickets_1" checked>' in kept and f'value="{two.pk}" id="id_tickets_0">' in kept
