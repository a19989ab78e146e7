"""EP-1: ID numbers validated by check character, stored only encrypted, shown masked, revealed only to the
epidemic task force and every reveal audit-logged."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils.translation import gettext as _

from conftest import Personas, make_user, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.protected import digest, mask_id_number, protect, reveal
from sibao.core.roles import Role
from sibao.epidemic.models import Employee
from sibao.epidemic.services import employee_create, employee_reveal_id_number

pytestmark = pytest.mark.django_db

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A valid 18-character ID number: ``body17`` plus its ISO 7064 MOD 11-2 check character."""
    total = sum(int(digit) * weight for digit, weight in zip(body17, WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


NUMBER = id_number("41022219900101123")  # 通许县, born 1990-01-01


def register(personas: Personas, number: str = NUMBER, **extra: str) -> Employee:
    return employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": number, **extra}
    )


def test_a_valid_number_is_stored_masked_and_encrypted(personas: Personas) -> None:
    employee = register(personas)
    assert employee.id_masked == NUMBER[:4] + "*" * 12 + NUMBER[-2:]
    assert NUMBER not in employee.id_cipher and employee.id_digest == digest(NUMBER)
    assert reveal(employee.id_cipher) == NUMBER


def test_a_wrong_check_character_is_refused_naming_the_field(personas: Personas) -> None:
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    with pytest.raises(ServiceError) as refused:
        register(personas, wrong)
    assert refused.value.field == "id_number"
    assert refused.value.message == _("The ID number's check character is wrong.")
    assert not Employee.objects.exists()


@pytest.mark.parametrize("bad", ["", "4102221990", "41022219901301123X", "ABCDEFGHIJKLMNOPQR"])
def test_malformed_numbers_are_refused(personas: Personas, bad: str) -> None:
    with pytest.raises(ServiceError) as refused:
        register(personas, bad)
    assert refused.value.field == "id_number"


def test_no_clear_text_in_any_column_or_in_the_audit_log(personas: Personas) -> None:
    register(personas)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM epidemic_employee")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert NUMBER not in stored and NUMBER[6:14] not in stored  # not even the birth date
    logged = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert NUMBER not in logged and "id_cipher" not in logged


def test_the_same_person_twice_in_one_enterprise_is_refused_but_another_enterprise_may_employ_them(
    personas: Personas,
) -> None:
    register(personas)
    with pytest.raises(ServiceError) as refused:
        register(personas, NUMBER.lower())
    assert refused.value.code == "epidemic.employee.duplicate"
    employee_create(actor=personas.ent_b_user, enterprise=personas.ent_b, data={"name": "王建军", "id_number": NUMBER})
    assert Employee.objects.count() == 2


def test_ciphertexts_differ_but_the_digest_is_stable() -> None:
    assert protect(NUMBER) != protect(NUMBER)
    assert digest(NUMBER) == digest(NUMBER.lower())
    assert mask_id_number("11010519491231002X") == "1101************2X"


def test_only_the_epidemic_task_force_reveals_and_every_reveal_is_logged(personas: Personas) -> None:
    employee = register(personas)
    for outsider in (personas.ent_a_user, personas.tongxu_hq, personas.tongxu_industry, personas.admin):
        with pytest.raises(PermissionRefused):
            employee_reveal_id_number(actor=outsider, employee=employee, purpose="核查")
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()

    assert employee_reveal_id_number(actor=personas.tongxu_epidemic, employee=employee, purpose="流调") == NUMBER
    access = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert access.actor == personas.tongxu_epidemic and "流调" in str(access.changes)
    assert NUMBER not in str(access.changes)


def test_another_countys_epidemic_task_force_cannot_reveal(personas: Personas) -> None:
    employee = register(personas)
    xinzheng_epidemic = make_user("xz_epidemic", Role.EPIDEMIC, region=region("410184"))
    with pytest.raises(PermissionRefused):
        employee_reveal_id_number(actor=xinzheng_epidemic, employee=employee, purpose="流调")


def test_a_reveal_needs_a_purpose(personas: Personas) -> None:
    employee = register(personas)
    with pytest.raises(ServiceError) as refused:
        employee_reveal_id_number(actor=personas.tongxu_epidemic, employee=employee, purpose=" ")
    assert refused.value.field == "purpose"


def test_production_refuses_to_start_without_a_field_key() -> None:
    env = {**os.environ, "SIBAO_PRODUCTION": "true", "SIBAO_SECRET_KEY": "x" * 60, "DJANGO_SETTINGS_MODULE": ""}
    env.pop("SIBAO_FIELD_KEY", None)
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "-c", "import sibao.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SIBAO_FIELD_KEY" in result.stderr


def test_the_audit_log_keeps_a_private_phone_masked(personas: Personas) -> None:
    worker = employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"name": "王建军", "id_number": NUMBER, "phone": "13812345678"},
    )
    entry = LogEntry.objects.get_for_object(worker).get()
    assert entry.changes_dict["phone"][1] == "138****5678"
    assert "13812345678" not in str(LogEntry.objects.values_list("changes", flat=True))
