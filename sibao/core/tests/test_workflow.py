"""The shared workflow mechanism (STYLE 3, 4): history rows, refusal codes, reasons, races, side effects.

Exercised through the whitelist application workflow (WL-4), plus a tiny test workflow where a test needs
a guard that misbehaves on purpose.
"""

import threading
import time
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from conftest import make_user
from sibao.core.errors import PermissionRefused, ServiceError, StateRefused
from sibao.core.models import TransitionLog
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.core.workflow import Transition, Workflow, history, perform
from sibao.notifications.models import Notification
from sibao.whitelist.models import Application, ApplicationState
from sibao.whitelist.workflows import APPLICATION

S = ApplicationState


def make_application(enterprise: Any, user: Any, state: str = S.DRAFT) -> Application:
    return Application.objects.create(
        enterprise=enterprise,
        sector=enterprise.sector,
        service_level=enterprise.service_level,
        state=state,
        contact_name="张伟",
        contact_phone="13800000000",
        statement="保障生产",
        measures="闭环管理",
        created_by=user,
    )


def logs_of(application: Application) -> Any:
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    )


def state_of(application: Application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


@pytest.mark.django_db
class TestMechanism:
    def test_transition_writes_history_with_from_to_actor_reason(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        result = perform(APPLICATION, application, "submit", actor=personas.ent_a_user, reason="  首次申报  ")

        assert result.state == S.SUBMITTED
        assert state_of(application) == S.SUBMITTED
        (log,) = history(application)
        assert (log.workflow, log.action, log.from_state, log.to_state) == (
            "whitelist.application",
            "submit",
            S.DRAFT,
            S.SUBMITTED,
        )
        assert log.actor == personas.ent_a_user
        assert log.reason == "首次申报"
        assert log.at is not None

    def test_changes_and_data_are_saved_with_the_transition(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)

        perform(
            APPLICATION,
            application,
            "return",
            actor=personas.tongxu_industry,
            reason="缺少盖章",
            changes={"decision_reason": "缺少盖章"},
            data={"note": 1},
        )

        application.refresh_from_db()
        assert (application.state, application.decision_reason) == (S.RETURNED, "缺少盖章")
        assert logs_of(application).get().data == {"note": 1}

    def test_history_is_oldest_first(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)
        perform(APPLICATION, application, "submit", actor=personas.ent_a_user)
        perform(APPLICATION, application, "return", actor=personas.tongxu_industry, reason="补充材料")
        perform(APPLICATION, application, "submit", actor=personas.ent_a_user)

        assert [log.action for log in history(application)] == ["submit", "return", "submit"]

    def test_wrong_state_is_refused_with_a_stable_code_and_nothing_changes(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        with pytest.raises(StateRefused) as refused:
            perform(APPLICATION, application, "approve", actor=personas.tongxu_industry)

        assert refused.value.code == "whitelist.application.approve.state"
        assert refused.value.status == 409
        assert state_of(application) == S.DRAFT
        assert not logs_of(application).exists()

    def test_wrong_actor_is_refused_as_forbidden_and_nothing_changes(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        with pytest.raises(PermissionRefused) as refused:
            perform(APPLICATION, application, "submit", actor=personas.ent_b_user)

        assert refused.value.code == "whitelist.application.submit.forbidden"
        assert refused.value.status == 403
        assert state_of(application) == S.DRAFT
        assert not logs_of(application).exists()

    def test_state_is_checked_before_the_actor(self, personas: Any) -> None:
        """A stranger acting on a finished item learns about the state, not a permission detail."""
        application = make_application(personas.ent_a, personas.ent_a_user, S.LISTED)

        with pytest.raises(StateRefused):
            perform(APPLICATION, application, "submit", actor=personas.ent_b_user)

    @pytest.mark.parametrize("reason", ["", "   \n"])
    def test_a_transition_that_needs_a_reason_refuses_an_empty_one(self, personas: Any, reason: str) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)

        with pytest.raises(ServiceError) as refused:
            perform(APPLICATION, application, "reject", actor=personas.tongxu_industry, reason=reason)

        assert refused.value.code == "whitelist.application.reject.reason_required"
        assert refused.value.field == "reason"
        assert state_of(application) == S.SUBMITTED
        assert not logs_of(application).exists()

    def test_unknown_action_is_refused(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        with pytest.raises(ServiceError) as refused:
            perform(APPLICATION, application, "teleport", actor=personas.ent_a_user)

        assert refused.value.code == "whitelist.application.unknown_action"

    def test_refusal_and_available_drive_the_buttons(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)

        assert {t.action for t in APPLICATION.available(application, personas.tongxu_industry)} == {
            "approve",
            "reject",
            "return",
        }
        assert {t.action for t in APPLICATION.available(application, personas.ent_a_user)} == {"withdraw"}
        assert APPLICATION.refusal(application, "publish", personas.tongxu_hq)
        assert APPLICATION.refusal(application, "approve", personas.tongxu_commerce)

    def test_stale_object_loaded_twice_moves_only_once(self, personas: Any) -> None:
        """Two officials open the same page; both press a button. On SQLite too (no row locks)."""
        application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)
        first = Application.objects.get(pk=application.pk)
        second = Application.objects.get(pk=application.pk)

        perform(APPLICATION, first, "approve", actor=personas.tongxu_industry)
        with pytest.raises(StateRefused) as refused:
            perform(APPLICATION, second, "reject", actor=personas.tongxu_industry, reason="不符合条件")

        assert refused.value.code == "whitelist.application.reject.state"
        assert second.state == S.SUBMITTED  # the caller's copy is not touched
        assert state_of(application) == S.APPROVED
        assert logs_of(application).count() == 1

    def test_compare_and_set_catches_a_write_between_read_and_update(self, personas: Any) -> None:
        """Without row locks (SQLite) another writer can slip in after the read: the guarded UPDATE notices."""

        def sneaky_guard(actor: Any, locked: Application) -> None:
            Application.objects.filter(pk=locked.pk).update(state=S.REJECTED)  # "the other request"

        tiny = Workflow(
            "test.tiny",
            ApplicationState,
            [Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, "批准", sneaky_guard)],
        )
        application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)

        with pytest.raises(StateRefused) as refused:
            perform(tiny, application, "approve", actor=personas.tongxu_industry)

        assert refused.value.code == "test.tiny.approve.state"
        assert not logs_of(application).exists()

    def test_after_callback_failure_rolls_everything_back(self, personas: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        def after(locked: Application) -> None:
            Notification.objects.create(enterprise=locked.enterprise, topic="test", title="将被回滚")
            raise RuntimeError("channel down")

        with pytest.raises(RuntimeError):
            perform(APPLICATION, application, "submit", actor=personas.ent_a_user, after=after)

        assert state_of(application) == S.DRAFT
        assert not logs_of(application).exists()
        assert not Notification.objects.filter(topic="test").exists()

    def test_on_commit_runs_only_after_commit(self, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)
        sent: list[str] = []

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            perform(APPLICATION, application, "submit", actor=personas.ent_a_user, on_commit=lambda: sent.append("x"))
            assert sent == []  # still inside the transaction

        assert len(callbacks) == 1
        callbacks[0]()
        assert sent == ["x"]

    def test_on_commit_never_runs_when_the_transition_fails(
        self, personas: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        application = make_application(personas.ent_a, personas.ent_a_user)

        def after(locked: Application) -> None:
            raise RuntimeError("boom")

        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            perform(APPLICATION, application, "submit", actor=personas.ent_a_user, after=after, on_commit=print)

        assert callbacks == []

    def test_actor_without_an_account_is_logged_as_the_system(self, personas: Any) -> None:
        """Guards decide who may act; a system actor (no pk) is stored as no actor, not as a broken reference."""
        allow_all = Workflow(
            "test.system", ApplicationState, [Transition("close", frozenset({S.APPROVED}), S.LISTED, "公布")]
        )
        application = make_application(personas.ent_a, personas.ent_a_user, S.APPROVED)

        perform(allow_all, application, "close", actor=object())

        assert logs_of(application).get().actor is None


class TestDeclaration:
    def test_duplicate_action_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="duplicate"):
            Workflow(
                "test.dup",
                ApplicationState,
                [
                    Transition("go", frozenset({S.DRAFT}), S.SUBMITTED, "go"),
                    Transition("go", frozenset({S.SUBMITTED}), S.APPROVED, "go"),
                ],
            )

    def test_unknown_state_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="unknown state"):
            Workflow("test.bad", ApplicationState, [Transition("go", frozenset({"nowhere"}), S.SUBMITTED, "go")])

    def test_application_workflow_declares_the_review_path(self) -> None:
        assert APPLICATION.transition("approve").sources == {S.SUBMITTED, S.TOWNSHIP_CHECKED}
        assert APPLICATION.transition("reject").needs_reason
        assert APPLICATION.state_label(S.APPROVED) == str(S.APPROVED.label)


# --- Real concurrency ---------------------------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (and serialises writers); test_stale_object_loaded_twice_moves_only_once "
    "and test_compare_and_set_catches_a_write_between_read_and_update cover it there",
)
@pytest.mark.django_db(transaction=True)
def test_two_threads_acting_at_once_make_exactly_one_transition(personas: Any) -> None:
    application = make_application(personas.ent_a, personas.ent_a_user, S.SUBMITTED)
    other_reviewer = make_user(
        "p_tongxu_industry_2", Role.SECTOR_DEPARTMENT, region=personas.tongxu_industry.region, sector=Sector.INDUSTRY
    )
    barrier = threading.Barrier(2, timeout=10)
    outcomes: dict[str, Any] = {}
    took: dict[str, float] = {}

    def hold_the_lock(locked: models.Model) -> None:
        time.sleep(0.3)  # the winner keeps the row locked, so the other thread must wait on it

    def act(action: str, actor: Any, reason: str) -> None:
        try:
            mine = Application.objects.get(pk=application.pk)  # each thread its own copy and connection
            barrier.wait()
            started = time.monotonic()
            try:
                perform(APPLICATION, mine, action, actor=actor, reason=reason, after=hold_the_lock)
            finally:
                took[action] = time.monotonic() - started
            outcomes[action] = "done"
        except Exception as error:  # collected and asserted below
            outcomes[action] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("approve", personas.tongxu_industry, "")),
        threading.Thread(target=act, args=("reject", other_reviewer, "不符合条件")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    done = [action for action, outcome in outcomes.items() if outcome == "done"]
    refused = {action: outcome for action, outcome in outcomes.items() if outcome != "done"}
    assert len(done) == 1, outcomes
    assert len(refused) == 1, outcomes
    (loser, error), winner = next(iter(refused.items())), done[0]
    assert isinstance(error, StateRefused), error
    assert error.code == f"whitelist.application.{loser}.state"
    assert took[loser] > 0.2, "the loser did not wait for the row lock: the threads did not overlap"
    assert state_of(application) == {"approve": S.APPROVED, "reject": S.REJECTED}[winner]
    (log,) = logs_of(application)
    assert (log.action, log.from_state) == (winner, S.SUBMITTED)
