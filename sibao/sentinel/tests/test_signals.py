"""EP-6 signals: one open warning per signal; lifting closes only that signal and is recorded in its history;
a signal raised again after its warning closed opens a new warning."""

import pytest

from conftest import Personas
from sibao.core.workflow import history
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus
from sibao.sentinel.services import warning_lift, warning_raise
from sibao.sentinel.tests.helpers import raised

pytestmark = pytest.mark.django_db


def test_raising_the_same_signal_twice_keeps_one_open_warning(personas: Personas) -> None:
    first = raised(personas.ent_a, "test:7")
    again = warning_raise(kind=WarningKind.OVERDUE_TEST, enterprise=personas.ent_a, subject_key="test:7", detail="再次")
    assert again is None
    assert SentinelWarning.objects.filter(subject_key="test:7").count() == 1
    assert SentinelWarning.objects.get().pk == first.pk
    # Same key, another kind: another signal.
    assert raised(personas.ent_a, "test:7", kind=WarningKind.HEALTH_CODE).pk != first.pk


def test_lift_closes_only_that_signal_and_records_it(personas: Personas) -> None:
    lifted = raised(personas.ent_a, "test:1")
    other = raised(personas.ent_a, "test:2")
    other_kind = raised(personas.ent_a, "test:1", kind=WarningKind.HEALTH_CODE)
    assert warning_lift(kind=WarningKind.OVERDUE_TEST, subject_keys=["test:1"], note="核酸结果已到") == 1
    lifted.refresh_from_db()
    other.refresh_from_db()
    other_kind.refresh_from_db()
    assert (lifted.status, lifted.lifted, lifted.handling_note) == (WarningStatus.CLOSED, True, "核酸结果已到")
    assert lifted.closed_at is not None
    assert other.status == WarningStatus.OPEN and other_kind.status == WarningStatus.OPEN
    rows = list(history(lifted))
    assert [(r.action, r.from_state, r.to_state, r.reason, r.actor_id) for r in rows] == [
        ("lift", "open", "closed", "核酸结果已到", None)
    ]
    assert not history(other).exists()
    # Lifting again changes nothing.
    assert warning_lift(kind=WarningKind.OVERDUE_TEST, subject_keys=["test:1"], note="x") == 0


def test_lifting_a_warning_being_handled_records_where_it_was(personas: Personas) -> None:
    from sibao.sentinel.services import warning_take

    warning = warning_take(actor=personas.tongxu_epidemic, warning=raised(personas.ent_a, "test:3"))
    warning_lift(kind=WarningKind.OVERDUE_TEST, subject_keys=["test:3"], note="已检测")
    assert history(warning).last().from_state == "handling"  # type: ignore[union-attr]


def test_a_signal_raised_again_after_closing_opens_a_new_warning(personas: Personas) -> None:
    first = raised(personas.ent_a, "test:9")
    warning_lift(kind=WarningKind.OVERDUE_TEST, subject_keys=["test:9"], note="已检测")
    second = raised(personas.ent_a, "test:9")
    assert second.pk != first.pk and second.status == WarningStatus.OPEN
    assert SentinelWarning.objects.filter(subject_key="test:9").count() == 2


def test_lifting_thousands_of_keys_works_in_batches(personas: Personas) -> None:
    from django.utils import timezone

    from sibao.sentinel.services import warnings_raise_bulk

    warnings_raise_bulk(
        SentinelWarning(
            kind=WarningKind.MISSING_DAILY_REPORT,
            enterprise=personas.ent_a,
            subject_key=f"report:{n}",
            detail="未报",
            raised_at=timezone.now(),
        )
        for n in range(12_000)
    )
    closed = warning_lift(
        kind=WarningKind.MISSING_DAILY_REPORT, subject_keys=[f"report:{n}" for n in range(11_000)], note="已补报"
    )
    assert closed == 11_000
    assert SentinelWarning.objects.filter(status=WarningStatus.OPEN).count() == 1_000
