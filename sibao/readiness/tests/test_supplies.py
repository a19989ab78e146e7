"""EP-10: reserve = per-employee parameter × staff, shortfall warning raised and lifted, history and audit."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from conftest import Personas, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.parameters.registry import EPIDEMIC_RESERVE_ANTIGEN_TESTS, EPIDEMIC_RESERVE_MASKS
from sibao.parameters.services import parameter_set
from sibao.readiness.models import SupplyReport, SupplyStock
from sibao.readiness.selectors import HeadcountSource, supply_status
from sibao.readiness.services import stock_report
from sibao.sentinel.models import SentinelWarning, WarningKind, WarningStatus

pytestmark = pytest.mark.django_db

# Enough of everything for 100 staff at the seeded defaults.
FULL = {
    "masks": 1400,
    "protective_suits": 5,
    "gloves": 400,
    "disinfectant": "50",
    "hand_sanitiser": 20,
    "thermometers": 2,
    "antigen_tests": 200,
}


def line(enterprise, item):  # type: ignore[no-untyped-def]
    return next(entry for entry in supply_status(enterprise).lines if entry.item == item)


def set_staff(enterprise, count: int) -> None:  # type: ignore[no-untyped-def]
    enterprise.employee_count = count
    enterprise.save(update_fields=["employee_count"])


def open_warnings(enterprise) -> list[SentinelWarning]:  # type: ignore[no-untyped-def]
    return list(
        SentinelWarning.objects.filter(
            kind=WarningKind.SUPPLIES_SHORTFALL, enterprise=enterprise, status__in=["open", "handling"]
        )
    )


def test_reserve_is_the_parameter_times_the_registry_headcount(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    masks = line(personas.ent_a, "masks")
    assert masks.per_employee == Decimal("14")  # seeded default, 001#annex2-二.7
    assert masks.reserve == Decimal("1400")
    assert line(personas.ent_a, "antigen_tests").reserve == Decimal("200")
    assert line(personas.ent_a, "disinfectant").reserve == Decimal("50.00")
    status = supply_status(personas.ent_a)
    assert status.headcount.count == 100
    assert status.headcount.source == HeadcountSource.REGISTRY


def test_overriding_the_parameter_for_the_county_changes_the_reserve(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    set_staff(personas.ent_xinzheng, 100)
    parameter_set(actor=personas.admin, key=EPIDEMIC_RESERVE_MASKS.key, region=region("410222"), value="20")
    assert line(personas.ent_a, "masks").reserve == Decimal("2000")
    assert line(personas.ent_xinzheng, "masks").reserve == Decimal("1400")  # other county keeps the default


def test_registered_employees_take_precedence_over_the_registry_count(personas: Personas) -> None:
    set_staff(personas.ent_a, 500)
    for n, digits in enumerate(["41022219900101123", "41022219880808456", "41022219950505789"]):
        employee_create(
            actor=personas.ent_a_user,
            enterprise=personas.ent_a,
            data={"name": f"员工{n}", "id_number": id_number(digits)},
        )
    status = supply_status(personas.ent_a)
    assert status.headcount.count == 3
    assert status.headcount.source == HeadcountSource.EMPLOYEES
    assert line(personas.ent_a, "antigen_tests").reserve == Decimal("6")
    assert line(personas.ent_a, "thermometers").reserve == Decimal("1")  # 0.02 × 3 rounded up to a whole one


def test_shortfall_raises_a_warning_and_restoring_lifts_it(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={**FULL, "masks": 1399})
    warnings = open_warnings(personas.ent_a)
    assert len(warnings) == 1
    assert warnings[0].subject_key == f"supplies:{personas.ent_a.pk}"
    assert "口罩" in warnings[0].detail or "Masks" in warnings[0].detail
    assert "1400" in warnings[0].detail
    # Reporting again while still short keeps the one warning.
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={"masks": 1000})
    assert len(open_warnings(personas.ent_a)) == 1

    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={"masks": 1400})
    assert open_warnings(personas.ent_a) == []
    closed = SentinelWarning.objects.get(kind=WarningKind.SUPPLIES_SHORTFALL, enterprise=personas.ent_a)
    assert closed.status == WarningStatus.CLOSED and closed.lifted


def test_enough_of_everything_raises_nothing(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities=FULL)
    assert open_warnings(personas.ent_a) == []


def test_a_higher_county_reserve_turns_enough_into_short(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities=FULL)
    parameter_set(actor=personas.admin, key=EPIDEMIC_RESERVE_ANTIGEN_TESTS.key, region=region("410222"), value="3")
    short = [entry.item for entry in supply_status(personas.ent_a).short_lines]
    assert short == ["antigen_tests"]


def test_every_stock_change_is_audit_logged_with_history(personas: Personas) -> None:
    set_staff(personas.ent_a, 100)
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={"masks": 100, "gloves": 10})
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities={"masks": 300, "gloves": 10})
    stock_type = ContentType.objects.get_for_model(SupplyStock)
    entries = LogEntry.objects.filter(content_type=stock_type)
    assert entries.count() == 3  # two creations, one update (gloves unchanged the second time)
    assert all(entry.actor_id == personas.ent_a_user.pk for entry in entries)
    update = entries.get(action=LogEntry.Action.UPDATE)
    assert update.changes_dict["quantity"] == ["100.00", "300.00"]
    history = list(
        SupplyReport.objects.filter(enterprise=personas.ent_a).values_list("item", "previous_quantity", "quantity")
    )
    assert ("masks", Decimal("100"), Decimal("300")) in history
    assert len(history) == 3
    report_type = ContentType.objects.get_for_model(SupplyReport)
    assert LogEntry.objects.filter(content_type=report_type, action=LogEntry.Action.CREATE).count() == 3


@pytest.mark.parametrize(
    "quantities, field",
    [({"masks": "-1"}, "masks"), ({"masks": "abc"}, "masks"), ({"masks": "1.5"}, "masks"), ({"soap": 3}, "soap")],
)
def test_bad_quantities_are_refused_and_nothing_changes(personas: Personas, quantities: dict, field: str) -> None:
    with pytest.raises(ServiceError) as refused:
        stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities=quantities)
    assert refused.value.field == field
    assert not SupplyStock.objects.exists() and not SupplyReport.objects.exists()


def test_enterprise_b_cannot_change_a_and_officials_cannot_report(personas: Personas) -> None:
    with pytest.raises(PermissionRefused):
        stock_report(actor=personas.ent_b_user, enterprise=personas.ent_a, quantities={"masks": 1})
    with pytest.raises(PermissionRefused):
        stock_report(actor=personas.tongxu_epidemic, enterprise=personas.ent_a, quantities={"masks": 1})
    assert not SupplyStock.objects.exists()


def test_periodic_recheck_follows_a_changed_reserve(personas: Personas) -> None:
    from sibao.readiness.tasks import recheck_supplies

    set_staff(personas.ent_a, 100)
    stock_report(actor=personas.ent_a_user, enterprise=personas.ent_a, quantities=FULL)
    assert open_warnings(personas.ent_a) == []
    parameter_set(actor=personas.admin, key=EPIDEMIC_RESERVE_ANTIGEN_TESTS.key, region=region("410222"), value="3")
    recheck_supplies.enqueue()  # immediate backend in tests
    assert len(open_warnings(personas.ent_a)) == 1
    parameter_set(actor=personas.admin, key=EPIDEMIC_RESERVE_ANTIGEN_TESTS.key, region=region("410222"), value="2")
    recheck_supplies.enqueue()
    assert open_warnings(personas.ent_a) == []
