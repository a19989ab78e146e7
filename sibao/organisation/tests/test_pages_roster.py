"""OR-2/OR-3/OR-5/OR-6 on the page: the HQ office keeps its region's roster — a new epidemic expert joins a task
force before the old one may leave, a department's policy consultant is named, the office's details change —
every change audit-logged; other roles read; another county's unit is 404."""

import pytest
from auditlog.models import LogEntry

from conftest import Personas, client_for, region
from sibao.organisation.models import Membership, MembershipRole, Person, Unit, UnitKind

pytestmark = pytest.mark.django_db


def _task_force_with_expert() -> tuple[Unit, Membership]:
    task_force = Unit.objects.create(region=region("410222"), kind=UnitKind.TASK_FORCE, name="工业生产专班")
    expert = Membership.objects.create(
        unit=task_force,
        person=Person.objects.create(name="李医生", is_epidemic_expert=True),
        role=MembershipRole.EPIDEMIC_EXPERT,
    )
    return task_force, expert


def test_the_hq_office_replaces_a_task_forces_epidemic_expert(personas: Personas) -> None:
    task_force, old_expert = _task_force_with_expert()
    hq = client_for(personas.tongxu_hq)
    refused = hq.post(f"/organisation/members/{old_expert.pk}/remove/", follow=True).content.decode()
    assert "每个工作专班都要有防疫专家" in refused and Membership.objects.filter(pk=old_expert.pk).exists()

    added = hq.post(
        f"/organisation/units/{task_force.pk}/",
        {"action": "member", "member-role": "epidemic_expert", "member-name": "王医生", "member-phone": "13900000001"},
        follow=True,
    )
    assert added.status_code == 200 and "王医生" in added.content.decode()
    assert Person.objects.get(name="王医生").is_epidemic_expert
    hq.post(f"/organisation/members/{old_expert.pk}/remove/")
    assert list(task_force.memberships.values_list("person__name", flat=True)) == ["王医生"]
    logged = LogEntry.objects.get_for_model(Membership).filter(actor=personas.tongxu_hq)
    assert logged.count() == 2  # the one added, the one removed


def test_a_post_the_unit_does_not_have_is_named_and_nothing_saved(personas: Personas) -> None:
    task_force, _expert = _task_force_with_expert()
    hq = client_for(personas.tongxu_hq)
    answer = hq.post(f"/organisation/units/{task_force.pk}/", {"action": "member", "member-role": "commander"})
    body = answer.content.decode()
    assert answer.status_code == 400 and 'data-field="role"' in body and 'data-field="name"' in body
    assert task_force.memberships.count() == 1


def test_a_department_gets_a_policy_consultant_and_the_overview_stops_flagging_it(personas: Personas) -> None:
    Unit.objects.create(region=region("410222"), kind=UnitKind.HQ, name="通许县疫情防控指挥部")
    department = Unit.objects.create(region=region("410222"), kind=UnitKind.DEPARTMENT, name="通许县商务局")
    hq = client_for(personas.tongxu_hq)
    assert 'data-testid="no-consultant"' in hq.get("/organisation/", {"region": "410222"}).content.decode()
    missing_phone = hq.post(
        f"/organisation/units/{department.pk}/", {"action": "consultant", "consultant-name": "赵科长"}
    )
    assert missing_phone.status_code == 400 and 'data-field="phone"' in missing_phone.content.decode()
    hq.post(
        f"/organisation/units/{department.pk}/",
        {
            "action": "consultant",
            "consultant-name": "赵科长",
            "consultant-post": "科长",
            "consultant-phone": "0371-1234",
        },
    )
    department.refresh_from_db()
    assert department.policy_consultant is not None and department.policy_consultant.phone == "0371-1234"
    hq.post(f"/organisation/units/{department.pk}/", {"action": "details", "details-office_location": "县政务中心3楼"})
    department.refresh_from_db()
    assert department.office_location == "县政务中心3楼"
    assert LogEntry.objects.get_for_model(Unit).filter(actor=personas.tongxu_hq, object_pk=department.pk).exists()


def test_others_read_and_another_county_does_not_see_it(personas: Personas) -> None:
    task_force, expert = _task_force_with_expert()
    industry = client_for(personas.tongxu_industry)
    page = industry.get(f"/organisation/units/{task_force.pk}/").content.decode()
    assert "李医生" in page and 'data-testid="member-form"' not in page
    form = {"action": "member", "member-role": "leader", "member-name": "某人"}
    assert industry.post(f"/organisation/units/{task_force.pk}/", form).status_code == 403
    assert industry.post(f"/organisation/members/{expert.pk}/remove/").status_code == 403
    xinzheng = client_for(personas.xinzheng_hq)
    assert xinzheng.get(f"/organisation/units/{task_force.pk}/").status_code == 404
    assert xinzheng.post(f"/organisation/members/{expert.pk}/remove/").status_code == 404
    assert client_for(personas.ent_a_user).get(f"/organisation/units/{task_force.pk}/").status_code == 403
    assert task_force.memberships.count() == 1
