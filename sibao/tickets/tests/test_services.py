"""The request's closed loop (RQ-1…RQ-6) through the services: every transition and refusal, routing and
deadlines, escalation to the province, batching, the paused clock, 督办, scope and likely duplicates."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from conftest import Personas, make_user, region, township_of
from sibao.accounts.models import User
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.core.workflow import history
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.notifications.models import Notification
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.tickets.models import (
    Category,
    CommonIssue,
    EscalationReason,
    Outcome,
    RoutingRule,
    Satisfaction,
    SupervisionNotice,
    Ticket,
    TicketState,
    Urgency,
)
from sibao.tickets.selectors import (
    DeadlineState,
    deadline_state,
    due_soon_q,
    likely_duplicates,
    overdue_q,
    tickets_for,
    triage_queue,
    unit_queue,
)
from sibao.tickets.services import (
    common_issue_answer,
    common_issue_create,
    notice_issue,
    ticket_answer,
    ticket_assign,
    ticket_close,
    ticket_escalate,
    ticket_file,
    ticket_note,
    ticket_provide_info,
    ticket_rate,
    ticket_request_info,
    ticket_respond,
    ticket_return,
    ticket_verify,
)

pytestmark = pytest.mark.django_db
S = TicketState
TONGXU, KAIFENG, HENAN = "410222", "410200", "410000"


@dataclass
class World:
    """The personas plus 通许县's departments (as units with users) and a department of 开封市."""

    p: Personas
    industry: Unit  # 通许县科工局, tongxu_industry works there
    commerce: Unit  # 通许县商务局, tongxu_commerce
    transport: Unit  # 通许县交通运输局
    transport_user: User
    kaifeng_transport: Unit


def department(code: str, function: str, name: str) -> Unit:
    return Unit.objects.create(region=region(code), kind=UnitKind.DEPARTMENT, function=function, name=name)


@pytest.fixture
def w(personas: Personas) -> World:
    industry = department(TONGXU, DepartmentFunction.INDUSTRY_IT, "通许县科工局")
    commerce = department(TONGXU, DepartmentFunction.COMMERCE, "通许县商务局")
    transport = department(TONGXU, DepartmentFunction.TRANSPORT, "通许县交通运输局")
    for user, unit in ((personas.tongxu_industry, industry), (personas.tongxu_commerce, commerce)):
        user.unit = unit
        user.save(update_fields=["unit"])
    transport_user = make_user("p_tongxu_transport", Role.SECTOR_DEPARTMENT, region=region(TONGXU), unit=transport)
    kaifeng_transport = department(KAIFENG, DepartmentFunction.TRANSPORT, "开封市交通运输局")
    return World(personas, industry, commerce, transport, transport_user, kaifeng_transport)


RAW = {"category": Category.RAW_MATERIALS, "title": "钢材采购受阻", "text": "外地钢厂停止发货，库存仅够一周生产。"}


def file(w: World, actor: User | None = None, **data: Any) -> Ticket:
    actor = actor or w.p.ent_a_user
    enterprise = actor.enterprise if actor.role == Role.ENTERPRISE else w.p.ent_a
    return ticket_file(actor=actor, enterprise=enterprise, data={**RAW, **data})


def assigned(w: World, **data: Any) -> Ticket:
    return ticket_assign(actor=w.p.tongxu_hq, ticket=file(w, **data))  # routed to 科工局 by default


def in_progress(w: World, **data: Any) -> Ticket:
    return ticket_respond(actor=w.p.tongxu_industry, ticket=assigned(w, **data), text="已受理，正在联系供货方。")


def answered(w: World) -> Ticket:
    return ticket_answer(
        actor=w.p.tongxu_industry, ticket=in_progress(w), outcome=Outcome.RESOLVED, reply="已协调郑州钢厂恢复供货。"
    )


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def actions(ticket: Ticket) -> list[str]:
    return [entry.action for entry in history(ticket)]


def inbox_topics(user: User) -> list[str]:
    return list(Notification.objects.inbox_of(user).order_by("pk").values_list("topic", flat=True))


# --- RQ-1: filing ------------------------------------------------------------------------------------------


def test_enterprise_files_a_request_held_by_its_county_hq(w: World) -> None:
    ticket = file(w)

    assert ticket.state == S.SUBMITTED and ticket.unit is None
    assert ticket.holder_region.code == TONGXU  # ent_a sits in a township: its county's HQ office triages
    assert ticket.number.startswith(f"SQ{timezone.localdate():%Y%m%d}")
    assert ticket.filed_by == w.p.ent_a_user and ticket.urgency == Urgency.NORMAL
    assert [(e.action, e.from_state, e.to_state) for e in history(ticket)] == [("create", "", S.SUBMITTED)]
    assert inbox_topics(w.p.tongxu_hq) == ["tickets.filed"]
    assert list(triage_queue(w.p.tongxu_hq)) == [ticket]


def test_ticket_numbers_are_unique_within_a_day(w: World) -> None:
    numbers = {file(w).number for _ in range(3)}
    assert len(numbers) == 3


@pytest.mark.parametrize(
    ("actor", "enterprise"),
    [
        ("ent_a_user", "ent_b"),  # an enterprise only for itself
        ("xinzheng_hq", "ent_a"),  # another county's office
        ("tongxu_township", "ent_b"),  # a township only for enterprises in it
        ("tongxu_supervision", "ent_a"),  # supervision does not file
    ],
)
def test_filing_refused_outside_ones_scope(w: World, actor: str, enterprise: str) -> None:
    with pytest.raises(PermissionRefused) as refusal:
        ticket_file(actor=getattr(w.p, actor), enterprise=getattr(w.p, enterprise), data=RAW)
    assert refusal.value.code == "tickets.file.forbidden"
    assert not Ticket.objects.exists() and not TransitionLog.objects.exists()


@pytest.mark.parametrize(("actor", "enterprise"), [("tongxu_township", "ent_a"), ("tongxu_hq", "ent_b")])
def test_an_official_files_for_an_enterprise_in_scope(w: World, actor: str, enterprise: str) -> None:
    official = getattr(w.p, actor)
    ticket = ticket_file(actor=official, enterprise=getattr(w.p, enterprise), data=RAW)
    assert ticket.filed_by == official and ticket.enterprise == getattr(w.p, enterprise)


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"category": "weather"}, "tickets.category", "category"),
        ({"category": ""}, "tickets.category", "category"),
        ({"urgency": "yesterday"}, "tickets.urgency", "urgency"),
        ({"title": "  "}, "tickets.required", "title"),
        ({"text": ""}, "tickets.required", "text"),
    ],
)
def test_bad_input_is_named_by_field(w: World, data: dict[str, str], code: str, field: str) -> None:
    with pytest.raises(ServiceError) as refusal:
        file(w, **data)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert not Ticket.objects.exists()


# --- RQ-2: assignment, routing and deadlines ---------------------------------------------------------------


def test_assignment_tells_the_unit_and_the_enterprise(w: World) -> None:
    ticket = assigned(w)

    assert ticket.state == S.ASSIGNED and ticket.unit == w.industry  # OR-4: raw materials → 科工局
    assert list(ticket.units_involved.all()) == [w.industry]
    assert inbox_topics(w.p.tongxu_industry) == ["tickets.assigned"]
    assert "tickets.assigned" in inbox_topics(w.p.ent_a_user)
    assert list(unit_queue(w.p.tongxu_industry)) == [ticket]
    assert not triage_queue(w.p.tongxu_hq).exists()
    (log,) = [entry for entry in history(ticket) if entry.action == "assign"]
    assert (log.from_state, log.to_state, log.actor, log.data) == (
        S.SUBMITTED,
        S.ASSIGNED,
        w.p.tongxu_hq,
        {"unit": w.industry.pk},
    )


@pytest.mark.parametrize(
    ("category", "expected"), [(Category.RAW_MATERIALS, "industry"), (Category.LOGISTICS, "transport")]
)
def test_without_rules_the_categorys_department_is_the_default(w: World, category: str, expected: str) -> None:
    assert assigned(w, category=category).unit == getattr(w, expected)


def test_a_routing_rule_beats_the_default_department(w: World) -> None:
    RoutingRule.objects.create(region=region(TONGXU), category=Category.RAW_MATERIALS, department_function="commerce")
    assert assigned(w).unit == w.commerce


def test_the_county_rule_beats_the_city_rule(w: World) -> None:
    RoutingRule.objects.create(
        region=region(KAIFENG), category=Category.RAW_MATERIALS, department_function="transport", handle_days=10
    )
    county = RoutingRule.objects.create(
        region=region(TONGXU), category=Category.RAW_MATERIALS, department_function="commerce"
    )
    assert assigned(w).unit == w.commerce

    county.delete()  # without the county's rule the city's applies, to the county's own department
    ticket = assigned(w)
    assert ticket.unit == w.transport
    assert ticket.due_at - ticket.assigned_at == timedelta(days=10)


def test_an_urgency_specific_rule_beats_the_general_one(w: World) -> None:
    RoutingRule.objects.create(region=region(TONGXU), category=Category.RAW_MATERIALS, department_function="commerce")
    RoutingRule.objects.create(
        region=region(TONGXU),
        category=Category.RAW_MATERIALS,
        urgency=Urgency.URGENT,
        department_function="transport",
        response_hours=4,
        handle_days=2,
    )
    urgent = assigned(w, urgency=Urgency.URGENT)
    assert urgent.unit == w.transport
    assert urgent.response_due - urgent.assigned_at == timedelta(hours=4)
    assert urgent.due_at - urgent.assigned_at == timedelta(days=2)
    assert assigned(w, urgency=Urgency.NORMAL).unit == w.commerce


@pytest.mark.parametrize(("urgency", "days"), [(Urgency.NORMAL, 7), (Urgency.URGENT, 3), (Urgency.CRITICAL, 1)])
def test_deadlines_come_from_the_parameters(w: World, urgency: str, days: int) -> None:
    ticket = assigned(w, urgency=urgency)
    assert ticket.response_due - ticket.assigned_at == timedelta(hours=24)
    assert ticket.due_at - ticket.assigned_at == timedelta(days=days)
    assert ticket.responded_at is None


def test_the_hq_office_may_choose_the_unit_and_deadline(w: World) -> None:
    due = timezone.now() + timedelta(days=2)
    ticket = ticket_assign(actor=w.p.tongxu_hq, ticket=file(w), unit=w.commerce, due_at=due)
    assert (ticket.unit, ticket.due_at) == (w.commerce, due)


@pytest.mark.parametrize(
    ("unit", "due_in", "code", "field"),
    [
        ("kaifeng_transport", None, "tickets.assign.unit", "unit"),  # a unit of another level
        (None, timedelta(hours=-1), "tickets.assign.due", "due_at"),
    ],
)
def test_assignment_input_refused(w: World, unit: str | None, due_in: timedelta | None, code: str, field: str) -> None:
    ticket = file(w)
    with pytest.raises(ServiceError) as refusal:
        ticket_assign(
            actor=w.p.tongxu_hq,
            ticket=ticket,
            unit=getattr(w, unit) if unit else None,
            due_at=timezone.now() + due_in if due_in else None,
        )
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert fresh(ticket).state == S.SUBMITTED


def test_no_department_for_the_category_asks_for_a_unit(w: World) -> None:
    with pytest.raises(ServiceError) as refusal:
        assigned(w, category=Category.FINANCE)  # 通许县 has no 金融局 in this world
    assert refusal.value.field == "unit"


def test_a_wrong_unit_returns_it_to_triage_with_the_reason(w: World) -> None:
    ticket = assigned(w)
    returned = ticket_return(actor=w.p.tongxu_industry, ticket=ticket, reason="属于商务局职责，请改派。")

    assert returned.state == S.SUBMITTED
    assert (returned.unit, returned.due_at, returned.response_due, returned.assigned_at) == (None, None, None, None)
    log = list(history(ticket))[-1]
    assert (log.action, log.reason, log.data) == ("return_to_hq", "属于商务局职责，请改派。", {"unit": w.industry.pk})
    returned_notice = Notification.objects.get(user=w.p.tongxu_hq, topic="tickets.returned")
    assert returned_notice.body == "属于商务局职责，请改派。"
    assert list(triage_queue(w.p.tongxu_hq)) == [returned]
    assert list(Ticket.objects.visible_to(w.p.tongxu_industry)) == [returned]  # held before: still visible
    assert not unit_queue(w.p.tongxu_industry).exists()

    reassigned = ticket_assign(actor=w.p.tongxu_hq, ticket=returned, unit=w.commerce)
    assert set(reassigned.units_involved.all()) == {w.industry, w.commerce}


# --- every transition's refusals ---------------------------------------------------------------------------


def _call(action: str, actor: User, ticket: Ticket, reason: str = "理由") -> Ticket:
    calls = {
        "assign": lambda: ticket_assign(actor=actor, ticket=ticket),
        "respond": lambda: ticket_respond(actor=actor, ticket=ticket),
        "return_to_hq": lambda: ticket_return(actor=actor, ticket=ticket, reason=reason),
        "escalate": lambda: ticket_escalate(
            actor=actor, ticket=ticket, reason_code=EscalationReason.BEYOND_POWERS, reason=reason
        ),
        "request_info": lambda: ticket_request_info(actor=actor, ticket=ticket, question=reason),
        "provide_info": lambda: ticket_provide_info(actor=actor, ticket=ticket, text="补充材料"),
        "answer": lambda: ticket_answer(actor=actor, ticket=ticket, outcome=Outcome.RESOLVED, reply="已办理"),
        "rate": lambda: ticket_rate(actor=actor, ticket=ticket, satisfaction=Satisfaction.SATISFIED, score=5),
        "reopen": lambda: ticket_rate(
            actor=actor, ticket=ticket, satisfaction=Satisfaction.UNSATISFIED, score=1, comment="没解决"
        ),
        "verify": lambda: ticket_verify(actor=actor, ticket=ticket, verification="电话回访属实"),
        "close": lambda: ticket_close(actor=actor, ticket=ticket),
    }
    return calls[action]()


def _at(w: World, state: str) -> Ticket:
    if state == S.SUBMITTED:
        return file(w)
    if state == S.ASSIGNED:
        return assigned(w)
    if state == S.IN_PROGRESS:
        return in_progress(w)
    if state == S.WAITING:
        return ticket_request_info(actor=w.p.tongxu_industry, ticket=in_progress(w), question="请提供采购合同。")
    ticket = answered(w)
    if state == S.ANSWERED:
        return ticket
    ticket = ticket_rate(actor=w.p.ent_a_user, ticket=ticket, satisfaction=Satisfaction.SATISFIED, score=5)
    if state == S.RATED:
        return ticket
    return ticket_verify(actor=w.p.tongxu_supervision, ticket=ticket, verification="回访属实")


STATE_REFUSALS = [  # (action, state the ticket is in, an actor who could act in the right state)
    ("assign", S.ASSIGNED, "tongxu_hq"),
    ("respond", S.SUBMITTED, "tongxu_industry"),
    ("respond", S.IN_PROGRESS, "tongxu_industry"),
    ("return_to_hq", S.SUBMITTED, "tongxu_industry"),
    ("return_to_hq", S.WAITING, "tongxu_industry"),
    ("escalate", S.ANSWERED, "tongxu_industry"),
    ("request_info", S.WAITING, "tongxu_industry"),
    ("provide_info", S.IN_PROGRESS, "ent_a_user"),
    ("answer", S.SUBMITTED, "tongxu_industry"),
    ("answer", S.WAITING, "tongxu_industry"),
    ("rate", S.IN_PROGRESS, "ent_a_user"),
    ("reopen", S.RATED, "ent_a_user"),
    ("verify", S.ANSWERED, "tongxu_supervision"),
    ("close", S.RATED, "tongxu_supervision"),
]


@pytest.mark.parametrize(("action", "state", "actor"), STATE_REFUSALS)
def test_wrong_state_is_refused_and_changes_nothing(w: World, action: str, state: str, actor: str) -> None:
    ticket = _at(w, state)
    logs = TransitionLog.objects.count()
    with pytest.raises(StateRefused) as refusal:
        _call(action, getattr(w.p, actor), ticket)
    assert refusal.value.code == f"tickets.ticket.{action}.state"
    assert fresh(ticket).state == state and TransitionLog.objects.count() == logs


FORBIDDEN = [  # (action, state the action is allowed in, an actor who may not take it)
    ("assign", S.SUBMITTED, "xinzheng_hq"),
    ("assign", S.SUBMITTED, "kaifeng_hq"),  # the city does not triage what the county holds
    ("assign", S.SUBMITTED, "tongxu_industry"),
    ("respond", S.ASSIGNED, "tongxu_commerce"),  # another unit
    ("respond", S.ASSIGNED, "tongxu_hq"),
    ("return_to_hq", S.ASSIGNED, "tongxu_commerce"),
    ("escalate", S.IN_PROGRESS, "tongxu_commerce"),
    ("escalate", S.IN_PROGRESS, "ent_a_user"),
    ("request_info", S.IN_PROGRESS, "tongxu_hq"),
    ("provide_info", S.WAITING, "ent_b_user"),  # another enterprise
    ("answer", S.IN_PROGRESS, "tongxu_commerce"),
    ("answer", S.IN_PROGRESS, "ent_a_user"),
    ("rate", S.ANSWERED, "ent_b_user"),
    ("rate", S.ANSWERED, "tongxu_industry"),
    ("reopen", S.ANSWERED, "ent_b_user"),
    ("verify", S.RATED, "tongxu_hq"),
    ("verify", S.RATED, "ent_a_user"),
    ("close", S.VERIFIED, "ent_a_user"),
    ("close", S.VERIFIED, "tongxu_industry"),
]


@pytest.mark.parametrize(("action", "state", "actor"), FORBIDDEN)
def test_wrong_actor_is_refused_and_changes_nothing(w: World, action: str, state: str, actor: str) -> None:
    ticket = _at(w, state)
    logs = TransitionLog.objects.count()
    with pytest.raises(PermissionRefused) as refusal:
        _call(action, getattr(w.p, actor), ticket)
    assert refusal.value.code == f"tickets.ticket.{action}.forbidden"
    assert fresh(ticket).state == state and TransitionLog.objects.count() == logs


def test_supervision_of_another_county_may_not_verify(w: World) -> None:
    other = make_user("p_xinzheng_supervision", Role.SUPERVISION, region=region("410184"))
    ticket = _at(w, S.RATED)
    with pytest.raises(PermissionRefused):
        ticket_verify(actor=other, ticket=ticket, verification="回访")


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("return_to_hq", S.ASSIGNED),
        ("escalate", S.IN_PROGRESS),
        (
            "request_info",
            S.IN_PROGRESS,
        ),
    ],
)
def test_a_missing_reason_is_refused(w: World, action: str, state: str) -> None:
    ticket = _at(w, state)
    logs = TransitionLog.objects.count()
    with pytest.raises(ServiceError) as refusal:
        _call(action, w.p.tongxu_industry, ticket, reason="  ")
    assert (refusal.value.code, refusal.value.field) == (f"tickets.ticket.{action}.reason_required", "reason")
    assert fresh(ticket).state == state and TransitionLog.objects.count() == logs


# --- RQ-4/RQ-5: the whole loop --------------------------------------------------------------------------------


def test_the_closed_loop_leaves_a_full_history_and_tells_the_enterprise(w: World) -> None:
    ticket = in_progress(w)
    assert ticket.responded_at is not None
    ticket_note(actor=w.p.tongxu_industry, ticket=ticket, text="已与郑州钢厂对接，下周恢复供货。")
    ticket_note(actor=w.p.tongxu_industry, ticket=ticket, text="内部：需请示分管领导。", visible_to_enterprise=False)
    ticket = ticket_answer(
        actor=w.p.tongxu_industry, ticket=ticket, outcome=Outcome.RESOLVED, reply="钢材已到货，生产恢复。"
    )
    assert (ticket.state, ticket.outcome, ticket.reply) == (S.ANSWERED, Outcome.RESOLVED, "钢材已到货，生产恢复。")
    ticket = ticket_rate(
        actor=w.p.ent_a_user, ticket=ticket, satisfaction=Satisfaction.SATISFIED, score=5, comment="感谢！"
    )
    assert (ticket.state, ticket.score, ticket.rating_comment) == (S.RATED, 5, "感谢！")
    ticket = ticket_verify(actor=w.p.tongxu_supervision, ticket=ticket, verification="电话回访，企业确认已恢复生产。")
    ticket = ticket_close(actor=w.p.tongxu_supervision, ticket=ticket)

    assert ticket.state == S.CLOSED and ticket.closed_at is not None and ticket.verified_at is not None
    steps = [(e.action, e.from_state, e.to_state, e.actor) for e in history(ticket)]
    assert steps == [
        ("create", "", S.SUBMITTED, w.p.ent_a_user),
        ("assign", S.SUBMITTED, S.ASSIGNED, w.p.tongxu_hq),
        ("respond", S.ASSIGNED, S.IN_PROGRESS, w.p.tongxu_industry),
        ("answer", S.IN_PROGRESS, S.ANSWERED, w.p.tongxu_industry),
        ("rate", S.ANSWERED, S.RATED, w.p.ent_a_user),
        ("verify", S.RATED, S.VERIFIED, w.p.tongxu_supervision),
        ("close", S.VERIFIED, S.CLOSED, w.p.tongxu_supervision),
    ]
    topics = inbox_topics(w.p.ent_a_user)
    assert topics == ["tickets.assigned", "tickets.responded", "tickets.note", "tickets.answered", "tickets.closed"]
    assert not Notification.objects.inbox_of(w.p.ent_b_user).exists()  # another enterprise hears nothing


def test_the_hq_office_may_close_too(w: World) -> None:
    ticket = _at(w, S.VERIFIED)
    assert ticket_close(actor=w.p.tongxu_hq, ticket=ticket).state == S.CLOSED


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"outcome": "done", "reply": "好"}, "tickets.answer.outcome", "outcome"),
        ({"outcome": Outcome.RESOLVED, "reply": ""}, "tickets.required", "reply"),
    ],
)
def test_answer_input_refused(w: World, kwargs: dict[str, str], code: str, field: str) -> None:
    ticket = in_progress(w)
    with pytest.raises(ServiceError) as refusal:
        ticket_answer(actor=w.p.tongxu_industry, ticket=ticket, **kwargs)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert fresh(ticket).state == S.IN_PROGRESS


@pytest.mark.parametrize(
    ("satisfaction", "score", "comment", "field"),
    [
        ("happy", 5, "", "satisfaction"),
        (Satisfaction.SATISFIED, 6, "", "score"),
        (Satisfaction.SATISFIED, 0, "", "score"),
        (Satisfaction.UNSATISFIED, 1, " ", "comment"),  # an unsatisfied enterprise must say why
    ],
)
def test_rating_input_refused(w: World, satisfaction: str, score: int, comment: str, field: str) -> None:
    ticket = answered(w)
    with pytest.raises(ServiceError) as refusal:
        ticket_rate(actor=w.p.ent_a_user, ticket=ticket, satisfaction=satisfaction, score=score, comment=comment)
    assert refusal.value.field == field
    assert fresh(ticket).state == S.ANSWERED


def test_an_unsatisfied_rating_reopens_it_to_the_same_unit_with_a_new_deadline(w: World) -> None:
    ticket = answered(w)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(days=1))
    words = "钢厂只发了一半货，缺口仍然很大。"

    reopened = ticket_rate(
        actor=w.p.ent_a_user, ticket=fresh(ticket), satisfaction=Satisfaction.UNSATISFIED, score=2, comment=words
    )

    assert reopened.state == S.IN_PROGRESS and reopened.unit == w.industry
    assert (reopened.reopen_count, reopened.outcome, reopened.answered_at) == (1, "", None)
    assert (reopened.satisfaction, reopened.score, reopened.rating_comment) == (Satisfaction.UNSATISFIED, 2, words)
    assert abs(reopened.due_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert reopened.notes.last().text == words
    log = list(history(reopened))[-1]
    assert (log.action, log.reason, log.data["previous_reply"]) == ("reopen", words, "已协调郑州钢厂恢复供货。")
    assert Notification.objects.get(user=w.p.tongxu_industry, topic="tickets.reopened").body == words
    assert list(unit_queue(w.p.tongxu_industry)) == [reopened]

    again = ticket_answer(actor=w.p.tongxu_industry, ticket=reopened, outcome=Outcome.PARTLY, reply="已补发剩余部分。")
    assert again.state == S.ANSWERED


# --- RQ-4: waiting for the enterprise pauses the clock ------------------------------------------------------


def test_waiting_for_the_enterprise_pauses_the_clock(w: World) -> None:
    ticket = in_progress(w)
    due_before = ticket.due_at
    waiting = ticket_request_info(actor=w.p.tongxu_industry, ticket=ticket, question="请上传采购合同和运输单据。")
    assert waiting.state == S.WAITING and waiting.paused_at is not None
    assert "tickets.info_requested" in inbox_topics(w.p.ent_a_user)

    # While waiting the deadline is "paused" even after it passed, and it is not counted as overdue.
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert deadline_state(fresh(ticket)) == DeadlineState.PAUSED
    assert not Ticket.objects.filter(overdue_q()).exists()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=due_before)

    # Asked at t, answered at t + 3 h: the deadline moves 3 h later.
    Ticket.objects.filter(pk=ticket.pk).update(paused_at=F("paused_at") - timedelta(hours=3))
    resumed = ticket_provide_info(actor=w.p.ent_a_user, ticket=fresh(ticket), text="合同与运输单据已上传。")

    assert resumed.state == S.IN_PROGRESS and resumed.paused_at is None
    moved = resumed.due_at - due_before
    assert timedelta(hours=3) <= moved < timedelta(hours=3, minutes=1)
    log = list(history(resumed))[-1]
    assert log.action == "provide_info" and 3 * 3600 <= log.data["paused_seconds"] < 3 * 3600 + 60
    assert Notification.objects.filter(user=w.p.tongxu_industry, topic="tickets.info_provided").exists()
    assert [n.text for n in resumed.notes.all()][-2:] == ["请上传采购合同和运输单据。", "合同与运输单据已上传。"]


def test_the_response_deadline_also_moves_when_not_yet_responded(w: World) -> None:
    ticket = assigned(w)
    waiting = ticket_request_info(actor=w.p.tongxu_industry, ticket=ticket, question="请说明所需钢材规格。")
    Ticket.objects.filter(pk=ticket.pk).update(paused_at=F("paused_at") - timedelta(hours=3))
    resumed = ticket_provide_info(actor=w.p.ent_a_user, ticket=fresh(waiting), text="Q235 热轧板。")
    assert timedelta(hours=3) <= resumed.response_due - ticket.response_due < timedelta(hours=3, minutes=1)


# --- RQ-6: deadlines, warnings and 督办 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (timedelta(days=3), DeadlineState.ON_TIME),
        (timedelta(hours=5), DeadlineState.DUE_SOON),
        (timedelta(hours=-2), DeadlineState.OVERDUE),
    ],
)
def test_deadline_states(w: World, due_in: timedelta, expected: str) -> None:
    ticket = in_progress(w)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + due_in)
    ticket = fresh(ticket)

    assert deadline_state(ticket, now=now) == expected
    assert Ticket.objects.filter(overdue_q(now)).exists() == (expected == DeadlineState.OVERDUE)
    assert Ticket.objects.filter(due_soon_q(now)).exists() == (expected == DeadlineState.DUE_SOON)
    assert deadline_state(ticket, now=now + timedelta(days=4)) == DeadlineState.OVERDUE  # later, it is late


def test_answered_or_submitted_requests_have_no_deadline_state(w: World) -> None:
    assert deadline_state(file(w)) == DeadlineState.NONE
    assert deadline_state(answered(w), now=timezone.now() + timedelta(days=30)) == DeadlineState.NONE


def test_supervision_notice_only_on_overdue_and_it_reaches_the_unit(w: World) -> None:
    ticket = in_progress(w)
    with pytest.raises(StateRefused) as refusal:
        notice_issue(actor=w.p.tongxu_supervision, ticket=ticket, text="请加快办理。")
    assert refusal.value.code == "tickets.notice.not_overdue"

    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    ticket = fresh(ticket)
    with pytest.raises(PermissionRefused):
        notice_issue(actor=w.p.tongxu_hq, ticket=ticket, text="请加快办理。")

    notice = notice_issue(actor=w.p.tongxu_supervision, ticket=ticket, text="该诉求已逾期，请24小时内说明情况。")
    assert notice.unit == w.industry
    assert abs(notice.respond_by - (timezone.now() + timedelta(hours=24))) < timedelta(minutes=1)
    assert Notification.objects.filter(user=w.p.tongxu_industry, topic="tickets.notice").exists()
    assert Notification.objects.filter(user=w.p.tongxu_hq, topic="tickets.notice").exists()
    assert SupervisionNotice.objects.count() == 1


def test_no_supervision_notice_while_the_clock_is_paused(w: World) -> None:
    ticket = ticket_request_info(actor=w.p.tongxu_industry, ticket=in_progress(w), question="请提供合同。")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(StateRefused):
        notice_issue(actor=w.p.tongxu_supervision, ticket=fresh(ticket), text="请加快办理。")


# --- RQ-3: escalation to the province ----------------------------------------------------------------------


def test_escalation_climbs_unit_county_city_province_and_stops_there(w: World) -> None:
    ticket = in_progress(w)
    hops = [
        (w.p.tongxu_industry, EscalationReason.BEYOND_POWERS, "需协调外省钢厂，超出本部门职权。", TONGXU),
        (w.p.tongxu_hq, EscalationReason.MAJOR, "涉及跨市原料调运，请市指挥部协调。", KAIFENG),
        (w.p.kaifeng_hq, EscalationReason.MAJOR, "涉及跨省调运，请省指挥部协调。", HENAN),
    ]
    for actor, code, reason, to in hops:
        ticket = ticket_escalate(actor=actor, ticket=ticket, reason_code=code, reason=reason)
        assert (ticket.state, ticket.holder_region.code, ticket.unit) == (S.SUBMITTED, to, None)
        assert ticket.due_at is None

    escalations = [
        (e.actor, e.data["from_region"], e.data["to_region"], e.data["reason_code"], e.reason)
        for e in history(ticket)
        if e.action == "escalate"
    ]
    assert escalations == [
        (actor, from_code, to, code, reason)
        for (actor, code, reason, to), from_code in zip(hops, [TONGXU, TONGXU, KAIFENG], strict=True)
    ]
    assert ticket.escalation_count == 3
    assert list(triage_queue(w.p.henan_hq)) == [ticket]
    assert not triage_queue(w.p.tongxu_hq).exists() and not triage_queue(w.p.kaifeng_hq).exists()
    assert Notification.objects.filter(user=w.p.kaifeng_hq, topic="tickets.escalated").exists()
    assert Notification.objects.filter(user=w.p.henan_hq, topic="tickets.escalated").exists()

    with pytest.raises(StateRefused) as refusal:
        ticket_escalate(actor=w.p.henan_hq, ticket=ticket, reason_code=EscalationReason.MAJOR, reason="再上报")
    assert refusal.value.code == "tickets.escalate.top"
    assert fresh(ticket).holder_region.code == HENAN and fresh(ticket).escalation_count == 3

    with pytest.raises(PermissionRefused):  # the county no longer holds it
        ticket_assign(actor=w.p.tongxu_hq, ticket=ticket, unit=w.industry)


def test_escalation_needs_a_known_reason_code(w: World) -> None:
    ticket = in_progress(w)
    with pytest.raises(ServiceError) as refusal:
        ticket_escalate(actor=w.p.tongxu_industry, ticket=ticket, reason_code="bored", reason="不想办")
    assert refusal.value.field == "reason_code"
    assert fresh(ticket).state == S.IN_PROGRESS


# --- RQ-2: 点办理、批处理 --------------------------------------------------------------------------------------

PASS = {"category": Category.LOGISTICS, "title": "原料运输车辆通行证办理难"}


def test_a_common_issue_answers_every_linked_request_and_each_enterprise_rates_its_own(w: World) -> None:
    a = file(w, **PASS, text="我公司原料运输车辆无法进入开封市区，急需办理物流通行证。")
    b = file(w, w.p.ent_b_user, **PASS, text="商贸配送车辆被卡口劝返，请协调办理重点物资运输通行证。")
    issue = common_issue_create(
        actor=w.p.tongxu_hq,
        title="重点物资运输车辆通行证",
        description="多家企业反映运输通行证办理难",
        unit=w.transport,
        tickets=[a, b],
    )

    for ticket in (a, b):
        ticket = fresh(ticket)
        assert (ticket.state, ticket.common_issue) == (S.LINKED, issue)
        assert w.transport in ticket.units_involved.all()
    assert Notification.objects.filter(user=w.transport_user, topic="tickets.common_issue").exists()
    assert set(Ticket.objects.visible_to(w.transport_user)) == {fresh(a), fresh(b)}

    common_issue_answer(
        actor=w.transport_user,
        issue=issue,
        outcome=Outcome.RESOLVED,
        answer="已开通重点物资运输车辆通行证线上办理，企业可当日领证。",
    )

    issue.refresh_from_db()
    assert issue.answered_at is not None
    for ticket, user in ((a, w.p.ent_a_user), (b, w.p.ent_b_user)):
        ticket = fresh(ticket)
        assert (ticket.state, ticket.outcome, ticket.reply) == (S.ANSWERED, Outcome.RESOLVED, issue.answer)
        assert actions(ticket)[-2:] == ["link", "answer_common"]
        assert Notification.objects.inbox_of(user).filter(topic="tickets.answered").count() == 1

    with pytest.raises(PermissionRefused):
        ticket_rate(actor=w.p.ent_b_user, ticket=fresh(a), satisfaction=Satisfaction.SATISFIED, score=5)
    rated = ticket_rate(actor=w.p.ent_a_user, ticket=fresh(a), satisfaction=Satisfaction.SATISFIED, score=5)
    reopened = ticket_rate(
        actor=w.p.ent_b_user,
        ticket=fresh(b),
        satisfaction=Satisfaction.UNSATISFIED,
        score=2,
        comment="线上系统打不开，仍无法办证。",
    )
    assert (rated.state, rated.score) == (S.RATED, 5)
    assert (reopened.state, reopened.score) == (S.IN_PROGRESS, 2)
    # Reopened to the unit that answered it, which can answer it on its own now.
    assert reopened.unit == w.transport
    assert Notification.objects.filter(user=w.transport_user, topic="tickets.reopened").exists()
    again = ticket_answer(actor=w.transport_user, ticket=reopened, outcome=Outcome.RESOLVED, reply="已上门代办。")
    assert again.state == S.ANSWERED

    with pytest.raises(StateRefused):
        common_issue_answer(actor=w.transport_user, issue=issue, outcome=Outcome.RESOLVED, answer="再答一次")


def test_common_issue_refusals(w: World) -> None:
    a, b = file(w, **PASS, text="通行证"), file(w, **PASS, text="通行证办理")
    with pytest.raises(ServiceError) as refusal:
        common_issue_create(actor=w.p.tongxu_hq, title="通行证", description="", unit=w.transport, tickets=[a])
    assert refusal.value.field == "tickets"
    with pytest.raises(PermissionRefused):
        common_issue_create(actor=w.p.tongxu_industry, title="通行证", description="", unit=w.transport, tickets=[a, b])
    with pytest.raises(ServiceError) as refusal:
        common_issue_create(
            actor=w.p.tongxu_hq, title="通行证", description="", unit=w.kaifeng_transport, tickets=[a, b]
        )
    assert refusal.value.field == "unit"
    issue = common_issue_create(actor=w.p.tongxu_hq, title="通行证", description="", unit=w.transport, tickets=[a, b])
    with pytest.raises(PermissionRefused):
        common_issue_answer(actor=w.p.tongxu_industry, issue=issue, outcome=Outcome.RESOLVED, answer="答复")
    assert CommonIssue.objects.count() == 1 and fresh(a).state == S.LINKED


# --- scope ---------------------------------------------------------------------------------------------------


def test_scope_department_unit_enterprise_and_other_county(w: World) -> None:
    mine = assigned(w)  # held by 科工局
    returned = ticket_return(actor=w.p.tongxu_industry, ticket=assigned(w), reason="不是我们的")  # held before
    commerce = ticket_assign(actor=w.p.tongxu_hq, ticket=file(w, w.p.ent_b_user), unit=w.commerce)
    untouched = file(w)  # never with 科工局
    xinzheng = ticket_file(actor=w.p.xinzheng_hq, enterprise=w.p.ent_xinzheng, data=RAW)

    assert set(Ticket.objects.visible_to(w.p.tongxu_industry)) == {mine, returned}
    assert set(Ticket.objects.visible_to(w.p.tongxu_commerce)) == {commerce}
    assert set(Ticket.objects.visible_to(w.p.ent_a_user)) == {mine, returned, untouched}
    assert set(Ticket.objects.visible_to(w.p.ent_b_user)) == {commerce}
    assert set(Ticket.objects.visible_to(w.p.xinzheng_hq)) == {xinzheng}
    assert set(Ticket.objects.visible_to(w.p.tongxu_hq)) == {mine, returned, commerce, untouched}
    assert Ticket.objects.visible_to(w.p.kaifeng_hq).count() == 4  # the city sees its counties
    assert Ticket.objects.visible_to(w.p.henan_hq).count() == 5
    assert set(tickets_for(w.p.tongxu_industry)) == {mine, returned}

    unassigned = make_user("p_no_unit", Role.SECTOR_DEPARTMENT, region=region(TONGXU), sector=Sector.INDUSTRY)
    assert not Ticket.objects.visible_to(unassigned).exists()  # a department user without a unit sees nothing


# --- RQ-2: likely duplicates ----------------------------------------------------------------------------------


def test_likely_duplicates_find_a_reworded_twin_not_an_unrelated_request(w: World) -> None:
    original = file(
        w,
        title="钢材原料供应中断",
        text="因疫情管控，河北钢厂停止向我公司发货，钢材原料库存仅够一周生产，请协调恢复钢材供应。",
    )
    twin = file(
        w,
        w.p.ent_b_user,
        title="钢材原料断供",
        text="受疫情管控影响，河北钢厂暂停发货，我司钢材库存只够生产一周，恳请协调恢复供应。",
    )
    file(w, title="塑料粒子采购", text="石化企业检修，塑料粒子报价上涨三成，希望对接本地供应商。")
    file(w, category=Category.LABOUR, title="钢材原料供应中断", text=original.text)  # another category

    found = likely_duplicates(original)
    assert [ticket for ticket, _ in found] == [twin]
    assert 0.3 <= found[0][1] <= 1

    other_county = EnterpriseFactory(name="新郑市钢构有限公司", region=township_of("410184"))
    ticket_file(actor=w.p.xinzheng_hq, enterprise=other_county, data={**RAW, "text": original.text})
    assert [ticket for ticket, _ in likely_duplicates(original)] == [twin]  # other counties are not compared
