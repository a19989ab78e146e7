"""EP-1 pages and API: masked everywhere, full number only in the epidemic task force's logged reveal,
scope answers 404, and the WL-10 export for the provincial platform."""

import io
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from openpyxl import load_workbook

from conftest import Personas, client_for
from sibao.accounts.models import User
from sibao.core.audit import SecurityEvent, security_event
from sibao.epidemic.models import Employee
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.whitelist.tests.flows import listed_through_services, publish_default_criteria

pytestmark = pytest.mark.django_db

NUMBER_A = id_number("41022219900101123")
NUMBER_B = id_number("41022219880808456")
NUMBER_XZ = id_number("41018419950505789")
MASKED_A = NUMBER_A[:4] + "*" * 12 + NUMBER_A[-2:]
VIEWERS = ["ent_a_user", "tongxu_epidemic", "tongxu_hq", "tongxu_township", "admin"]


@pytest.fixture
def staff(personas: Personas) -> dict[str, Employee]:
    return {
        "a": employee_create(
            actor=personas.ent_a_user,
            enterprise=personas.ent_a,
            data={"name": "王建军", "id_number": NUMBER_A, "phone": "13812345678", "post_type": "logistics"},
        ),
        "b": employee_create(
            actor=personas.ent_b_user, enterprise=personas.ent_b, data={"name": "李红", "id_number": NUMBER_B}
        ),
        "xz": employee_create(
            actor=personas.admin, enterprise=personas.ent_xinzheng, data={"name": "赵磊", "id_number": NUMBER_XZ}
        ),
    }


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def all_logged() -> str:
    return " ".join(f"{entry.object_repr} {entry.changes} {entry.changes_text}" for entry in LogEntry.objects.all())


def access_entries() -> int:
    """Reads of protected data (reveals, exports); security events (logins, refusals) are access entries too."""
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exclude(security_event).count()


@pytest.mark.parametrize("persona", VIEWERS)
def test_lists_and_details_show_only_the_masked_number(
    personas: Personas, staff: dict[str, Employee], persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    employee = staff["a"]
    for url in ("/employees/", f"/employees/?enterprise={personas.ent_a.pk}", f"/employees/{employee.pk}/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert MASKED_A in page and NUMBER_A not in page, url
    listed = client.get("/api/employees").content.decode()
    detail = client.get(f"/api/employees/{employee.pk}").content.decode()
    assert MASKED_A in listed and NUMBER_A not in listed and "1381234" not in listed  # phone masked in lists
    assert MASKED_A in detail and NUMBER_A not in detail
    assert NUMBER_A not in all_logged()


def test_only_the_epidemic_task_force_sees_the_reveal_form(personas: Personas, staff: dict[str, Employee]) -> None:
    url = f"/employees/{staff['a'].pk}/"
    assert 'name="purpose"' in client_for(personas.tongxu_epidemic).get(url).content.decode()
    for persona in ("ent_a_user", "tongxu_hq", "tongxu_township", "admin"):
        assert 'name="purpose"' not in client_for(getattr(personas, persona)).get(url).content.decode()


def test_the_page_reveal_shows_the_number_once_and_logs_it(personas: Personas, staff: dict[str, Employee]) -> None:
    client = client_for(personas.tongxu_epidemic)
    url = f"/employees/{staff['a'].pk}/reveal/"
    assert client.get(url).status_code == 405  # never by GET: the number must not follow a link
    missing = client.post(url, {"purpose": " "})
    assert missing.status_code == 400 and NUMBER_A not in missing.content.decode() and access_entries() == 0

    response = client.post(url, {"purpose": "流调：密接排查"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count(NUMBER_A) == 1
    assert "no-store" in response["Cache-Control"]
    access = LogEntry.objects.exclude(security_event).get(action=LogEntry.Action.ACCESS)
    assert access.actor == personas.tongxu_epidemic and "流调：密接排查" in str(access.changes)
    assert NUMBER_A not in all_logged()
    # The next visit is masked again.
    assert NUMBER_A not in client.get(f"/employees/{staff['a'].pk}/").content.decode()


@pytest.mark.parametrize("persona", ["ent_a_user", "tongxu_hq", "tongxu_township", "tongxu_industry", "admin"])
def test_a_reveal_by_any_other_role_is_refused_and_only_the_refusal_is_logged(
    personas: Personas, staff: dict[str, Employee], persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    page = client.post(f"/employees/{staff['a'].pk}/reveal/", {"purpose": "核查"})
    api = post_json(client, f"/api/employees/{staff['a'].pk}/reveal", {"purpose": "核查"})
    assert page.status_code == 403 and api.status_code == 403
    assert NUMBER_A not in page.content.decode() + api.content.decode()
    assert access_entries() == 0
    refusals = LogEntry.objects.filter(additional_data__event=SecurityEvent.REFUSED)
    assert refusals.count() == 2 and NUMBER_A not in all_logged()


def test_the_api_reveal_returns_the_number_to_the_epidemic_task_force(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    client = client_for(personas.tongxu_epidemic)
    response = post_json(client, f"/api/employees/{staff['a'].pk}/reveal", {"purpose": "报省平台核对"})
    assert response.status_code == 200 and response.json() == {"id": staff["a"].pk, "id_number": NUMBER_A}
    assert "no-store" in response["Cache-Control"]
    assert access_entries() == 1 and NUMBER_A not in all_logged()
    # Another county's employee: out of scope is 404, and nothing more is logged.
    outside = post_json(client, f"/api/employees/{staff['xz'].pk}/reveal", {"purpose": "流调"})
    assert outside.status_code == 404 and access_entries() == 1


def test_an_enterprise_sees_only_its_own_employees(personas: Personas, staff: dict[str, Employee]) -> None:
    client = client_for(personas.ent_b_user)
    assert client.get(f"/employees/{staff['a'].pk}/").status_code == 404
    assert client.get(f"/api/employees/{staff['a'].pk}").status_code == 404
    page = client.get("/employees/").content.decode()
    assert "李红" in page and "王建军" not in page
    assert [row["name"] for row in client.get("/api/employees").json()["items"]] == ["李红"]


def test_another_countys_officials_see_none_of_tongxus(personas: Personas, staff: dict[str, Employee]) -> None:
    client = client_for(personas.xinzheng_hq)
    assert [row["name"] for row in client.get("/api/employees").json()["items"]] == ["赵磊"]
    page = client.get("/employees/").content.decode()
    assert "赵磊" in page and "王建军" not in page and "李红" not in page
    for employee in (staff["a"], staff["b"]):
        assert client.get(f"/employees/{employee.pk}/").status_code == 404
        assert client.get(f"/api/employees/{employee.pk}").status_code == 404
    tongxu = client_for(personas.tongxu_hq).get("/api/employees").json()["items"]
    assert {row["name"] for row in tongxu} == {"王建军", "李红"}


def test_roles_without_the_capability_get_403(personas: Personas, staff: dict[str, Employee]) -> None:
    client = client_for(personas.tongxu_industry)
    assert client.get("/employees/").status_code == 403
    assert client.get("/api/employees").status_code == 403


def test_an_enterprise_registers_its_employee_on_the_page(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    bad = client.post("/employees/new/", {"name": "王建军", "id_number": NUMBER_A[:-1] + "0", "post_type": "normal"})
    assert bad.status_code == 200 and 'data-field="id_number"' in bad.content.decode()
    assert not Employee.objects.exists()
    good = client.post(
        "/employees/new/",
        {"name": "王建军", "id_number": NUMBER_A, "post_type": "sales", "arrival_date": "2022-03-01"},
    )
    employee = Employee.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/employees/{employee.pk}/"
    assert employee.enterprise == personas.ent_a and employee.post_type == "sales"
    assert NUMBER_A not in good["Location"]


def test_api_create_in_scope_and_404_outside(personas: Personas) -> None:
    payload = {"enterprise_id": personas.ent_a.pk, "name": "王建军", "id_number": NUMBER_A}
    epidemic = post_json(client_for(personas.tongxu_epidemic), "/api/employees", payload)
    assert epidemic.status_code == 201 and epidemic.json()["id_masked"] == MASKED_A
    assert NUMBER_A not in epidemic.content.decode()
    other = post_json(client_for(personas.ent_b_user), "/api/employees", {**payload, "id_number": NUMBER_B})
    assert other.status_code == 404
    hq = post_json(client_for(personas.tongxu_hq), "/api/employees", {**payload, "id_number": NUMBER_B})
    assert hq.status_code == 403  # HQ office reads, does not register
    duplicate = post_json(client_for(personas.ent_a_user), "/api/employees", {**payload, "enterprise_id": None})
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "id_number"
    assert Employee.objects.count() == 1


def _exported(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _whitelist_ent_a(personas: Personas) -> None:
    publish_default_criteria(personas.tongxu_industry)
    listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)


def test_the_province_export_lists_whitelisted_enterprises_with_full_numbers_and_is_logged(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    _whitelist_ent_a(personas)
    before = access_entries()
    response = client_for(personas.tongxu_epidemic).get("/employees/export.xlsx")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = _exported(response)
    assert rows[0][:6] == ["企业名称", "统一社会信用代码", "所属县（市、区）", "乡镇（街道）", "姓名", "身份证号码"]
    assert [row[4] for row in rows[1:]] == ["王建军"]  # ent_b is not whitelisted; 新郑 is out of scope
    assert rows[1][5] == NUMBER_A and rows[1][7] == "物流运输" and rows[1][3] == "咸平街道"
    assert access_entries() == before + 1
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exclude(security_event).latest("timestamp")
    assert entry.actor == personas.tongxu_epidemic and entry.changes["count"] == ["", "1"]
    assert NUMBER_A not in all_logged()

    api = client_for(personas.tongxu_epidemic).get("/api/employees/export.xlsx")
    assert api.status_code == 200 and _exported(api)[1][5] == NUMBER_A and access_entries() == before + 2


def test_the_export_is_masked_for_others_and_refused_to_roles_without_it(
    personas: Personas, staff: dict[str, Employee]
) -> None:
    _whitelist_ent_a(personas)
    admin = client_for(personas.admin).get("/employees/export.xlsx")
    assert admin.status_code == 200 and _exported(admin)[1][5] == MASKED_A
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exclude(security_event).latest("timestamp")
    assert entry.changes["id_number"] == ["(masked)", "(masked)"]
    before = access_entries()
    user: User
    for user in (personas.tongxu_hq, personas.ent_a_user):
        assert client_for(user).get("/employees/export.xlsx").status_code == 403
        assert client_for(user).get("/api/employees/export.xlsx").status_code == 403
    assert access_entries() == before
    xinzheng = client_for(personas.admin)  # admins see all; a 新郑 epidemic user would get an empty list
    assert len(_exported(xinzheng.get("/employees/export.xlsx?region=410184"))) == 1  # header only
