"""EP-11: the checklist's rules (observation rooms, sampling booth, drills, task force, plan) and the plan upload."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import Personas
from sibao.core.errors import ServiceError
from sibao.readiness.models import Readiness
from sibao.readiness.selectors import booth_encouraged, readiness_report, required_rooms
from sibao.readiness.services import drill_record, plan_upload, readiness_save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def items(enterprise) -> dict:  # type: ignore[no-untyped-def]
    return {item.key: item for item in readiness_report(enterprise).items}


def set_staff(enterprise, count: int) -> None:  # type: ignore[no-untyped-def]
    enterprise.employee_count = count
    enterprise.save(update_fields=["employee_count"])


def test_observation_rooms_one_per_started_hundred() -> None:
    assert required_rooms(100, 100) == 1
    assert required_rooms(101, 100) == 2
    assert required_rooms(0, 100) == 0


@pytest.mark.parametrize("staff, rooms, passed", [(100, 1, True), (101, 1, False), (101, 2, True)])
def test_observation_rooms_item(personas: Personas, staff: int, rooms: int, passed: bool) -> None:
    set_staff(personas.ent_a, staff)
    readiness_save(actor=personas.ent_a_user, enterprise=personas.ent_a, data={"observation_rooms": rooms})
    item = items(personas.ent_a)["observation_rooms"]
    assert item.passed is passed
    assert f"{1 if staff == 100 else 2}" in item.reason


def test_sampling_booth_encouraged_from_1000_staff(personas: Personas) -> None:
    assert not booth_encouraged(999, 1000)
    assert booth_encouraged(1000, 1000)
    set_staff(personas.ent_a, 999)
    report = readiness_report(personas.ent_a)
    assert not report.booth_encouraged and items(personas.ent_a)["sampling_booth"].passed
    set_staff(personas.ent_a, 1000)
    booth = items(personas.ent_a)["sampling_booth"]
    assert readiness_report(personas.ent_a).booth_encouraged
    assert not booth.passed and booth.advisory and "50" in booth.reason and "1000" in booth.reason
    # Encouraged, not required: it does not count as a gap.
    assert "sampling_booth" not in [gap.key for gap in readiness_report(personas.ent_a).gaps]
    readiness_save(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"has_sampling_booth": True, "observation_rooms": 10}
    )
    assert items(personas.ent_a)["sampling_booth"].passed


def test_drill_within_the_interval(personas: Personas) -> None:
    today = timezone.localdate()
    assert items(personas.ent_a)["drill"].passed is False
    drill_record(
        actor=personas.ent_a_user, enterprise=personas.ent_a, held_on=today - timedelta(days=91), note="疏散演练"
    )
    drill = items(personas.ent_a)["drill"]
    assert not drill.passed and "91" in drill.reason and "90" in drill.reason
    drill_record(actor=personas.ent_a_user, enterprise=personas.ent_a, held_on=today - timedelta(days=90))
    assert items(personas.ent_a)["drill"].passed
    assert readiness_report(personas.ent_a).days_since_drill == 90


def test_drill_in_the_future_is_refused(personas: Personas) -> None:
    with pytest.raises(ServiceError) as refused:
        drill_record(actor=personas.ent_a_user, enterprise=personas.ent_a, held_on=timezone.localdate() + timedelta(1))
    assert refused.value.field == "held_on"


def test_task_force_needs_a_named_leader_with_a_post(personas: Personas) -> None:
    assert not items(personas.ent_a)["task_force"].passed
    with pytest.raises(ServiceError) as refused:
        readiness_save(actor=personas.ent_a_user, enterprise=personas.ent_a, data={"leader_name": "张伟"})
    assert refused.value.field == "leader_post"
    readiness_save(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"leader_name": "张伟", "leader_post": "副总经理", "members": "李强、王芳"},
    )
    item = items(personas.ent_a)["task_force"]
    assert item.passed and "张伟" in item.reason and "副总经理" in item.reason


def test_living_facilities_for_all_staff(personas: Personas) -> None:
    set_staff(personas.ent_a, 200)
    personas.ent_a.dormitory_capacity, personas.ent_a.canteen_capacity = 150, 80
    personas.ent_a.save()
    assert not items(personas.ent_a)["living_facilities"].passed
    personas.ent_a.dormitory_capacity = 200
    personas.ent_a.save()
    assert items(personas.ent_a)["living_facilities"].passed


def test_plan_upload_accepted_and_checked(personas: Personas) -> None:
    plan_upload(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        upload=SimpleUploadedFile("应急处置预案.pdf", PDF),
        plan_date=timezone.localdate(),
    )
    readiness = Readiness.objects.get(enterprise=personas.ent_a)
    assert readiness.plan_name == "应急处置预案.pdf" and readiness.plan_size == len(PDF)
    assert items(personas.ent_a)["emergency_plan"].passed


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("预案.exe", b"MZ\x90\x00", "readiness.plan.type"),
        ("预案.pdf", b"<html>not a pdf</html>", "readiness.plan.content"),
        ("预案.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "readiness.plan.size"),
    ],
)
def test_plan_upload_refuses_wrong_type_or_size(personas: Personas, name: str, content: bytes, code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        plan_upload(
            actor=personas.ent_a_user,
            enterprise=personas.ent_a,
            upload=SimpleUploadedFile(name, content),
            plan_date=None,
        )
    assert refused.value.code == code and refused.value.field == "file"
    assert not Readiness.objects.filter(enterprise=personas.ent_a).exclude(plan_file="").exists()
