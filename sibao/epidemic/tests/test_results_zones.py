"""EP-2 pages and API (result files with progress, overdue lists) and EP-8 zone moves."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import Personas, client_for, make_user
from sibao.core.roles import Role
from sibao.epidemic import models as epidemic
from sibao.epidemic.models import Employee, Zone
from sibao.epidemic.services import employee_create, employee_move_zone
from sibao.epidemic.tests.test_employees import id_number
from sibao.parameters.models import ParameterOverride
from sibao.regions.models import Region

pytestmark = pytest.mark.django_db

NUMBER = id_number("41022219900101123")
HEADER = "姓名,身份证号码,采样时间,检测结果,检测机构\n"


@pytest.fixture
def worker(personas: Personas) -> Employee:
    return employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": NUMBER}
    )


def upload(client, content: bytes, name: str = "results.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/employees/results/",
        {"institution": "通许县人民医院", "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_the_task_force_uploads_a_file_and_sees_it_done(personas: Personas, worker: Employee) -> None:
    client = client_for(personas.tongxu_epidemic)
    at = timezone.localtime() - timedelta(hours=3)
    response = upload(client, (HEADER + f"王建军,{NUMBER},{at:%Y-%m-%d %H:%M},阴性,\n").encode())
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert 'data-testid="import-done"' in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()  # finished: no more polling
    worker.refresh_from_db()
    assert worker.last_negative_test_at is not None
    assert NUMBER not in client.get(f"/employees/{worker.pk}/").content.decode()


def test_a_bad_row_shows_its_number_and_saves_nothing(personas: Personas, worker: Employee) -> None:
    client = client_for(personas.tongxu_epidemic)
    content = (
        HEADER + f"王建军,{NUMBER},2022-05-01 08:30,阴性,\n李四,{NUMBER[:-1]}0,2022-05-01 08:30,阴性,\n"
    ).encode()
    page = client.get(upload(client, content)["Location"]).content.decode()
    assert 'data-testid="import-failed"' in page and "表格第3行" in page and "身份证号码" in page
    assert not epidemic.TestResult.objects.exists()


def test_a_running_import_polls_for_its_progress(personas: Personas) -> None:
    test_import = epidemic.TestImport.objects.create(
        institution="通许县人民医院",
        file_name="big.csv",
        sha256="1" * 64,
        status=epidemic.TestImportStatus.RUNNING,
        progress=40,
        created_by=personas.tongxu_epidemic,
    )
    client = client_for(personas.tongxu_epidemic)
    page = client.get(f"/employees/results/{test_import.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="40"' in page
    fragment = client.get(f"/employees/results/{test_import.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-progress"') and "<html" not in fragment


def test_result_files_are_scoped_to_the_uploaders_area(personas: Personas) -> None:
    test_import = epidemic.TestImport.objects.create(
        institution="通许县人民医院", file_name="a.csv", sha256="2" * 64, created_by=personas.tongxu_epidemic
    )
    xinzheng = make_user("xz_epidemic", Role.EPIDEMIC, region=Region.objects.get(code="410184"))
    assert client_for(xinzheng).get(f"/employees/results/{test_import.pk}/").status_code == 404
    assert client_for(xinzheng).get(f"/api/employees/results/{test_import.pk}").status_code == 404
    assert client_for(personas.ent_a_user).get("/employees/results/").status_code == 403
    assert client_for(personas.tongxu_hq).get("/api/employees/results/1").status_code == 403


def test_the_api_imports_a_file_and_reports_it(personas: Personas, worker: Employee) -> None:
    client = client_for(personas.tongxu_epidemic)
    at = timezone.localtime() - timedelta(hours=1)
    content = (HEADER + f"王建军,{NUMBER},{at:%Y-%m-%d %H:%M},阴性,\n").encode()
    response = client.post(
        "/api/employees/results",
        {"institution": "通许县人民医院", "file": SimpleUploadedFile("r.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 201 and response.json()["status"] == "done"
    assert response.json()["added_count"] == 1
    again = client.post(
        "/api/employees/results",
        {"institution": "通许县人民医院", "file": SimpleUploadedFile("r.csv", content, content_type="text/csv")},
    )
    assert again.status_code == 400 and again.json()["code"] == "duplicate_file"


def test_overdue_page_and_api_list_people_at_49_hours_not_47(personas: Personas) -> None:
    late = employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "迟到者", "id_number": NUMBER}
    )
    fine = employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"name": "按时者", "id_number": id_number("41022219850505321")},
    )
    now = timezone.now()
    Employee.objects.filter(pk=late.pk).update(last_negative_test_at=now - timedelta(hours=49))
    Employee.objects.filter(pk=fine.pk).update(last_negative_test_at=now - timedelta(hours=47))
    page = client_for(personas.tongxu_epidemic).get("/employees/overdue/").content.decode()
    assert "迟到者" in page and "按时者" not in page and "48" in page
    own = client_for(personas.ent_a_user).get("/api/employees/overdue").json()
    assert [row["name"] for row in own["items"]] == ["迟到者"]
    assert client_for(personas.ent_b_user).get("/api/employees/overdue").json()["items"] == []


def test_moving_to_blue_starts_a_quiet_period_of_the_parameter(personas: Personas, worker: Employee) -> None:
    ParameterOverride.objects.create(
        key="epidemic.quiet_period_days", region=Region.objects.get(code="410222"), value=10
    )
    before = timezone.now()
    move = employee_move_zone(actor=personas.ent_a_user, employee=worker, zone=Zone.BLUE, reason="新到岗")
    assert move is not None and (move.from_zone, move.to_zone) == (Zone.GREEN, Zone.BLUE)
    worker.refresh_from_db()
    assert worker.zone == Zone.BLUE
    assert worker.quiet_period_until is not None
    assert timedelta(days=9, hours=23) < worker.quiet_period_until - before < timedelta(days=10, minutes=1)
    employee_move_zone(actor=personas.ent_a_user, employee=worker, zone=Zone.GREEN, reason="静默期结束")
    worker.refresh_from_db()
    assert worker.zone == Zone.GREEN and worker.quiet_period_until is None
    assert list(worker.zone_moves.values_list("to_zone", flat=True)) == [Zone.GREEN, Zone.BLUE]


def test_zone_moves_from_page_and_api_are_scoped(personas: Personas, worker: Employee) -> None:
    client = client_for(personas.ent_a_user)
    response = client.post(f"/employees/{worker.pk}/zone/", {"zone": "yellow", "reason": "密接"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.zone == Zone.YELLOW
    assert "密接" in client.get(f"/employees/{worker.pk}/").content.decode()
    refused = client_for(personas.ent_b_user).post(
        f"/api/employees/{worker.pk}/zone", {"zone": "red", "reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 404
    no_reason = client.post(
        f"/api/employees/{worker.pk}/zone", {"zone": "red", "reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    worker.refresh_from_db()
    assert worker.zone == Zone.YELLOW


def test_a_new_arrival_starts_in_blue_for_the_quiet_period(personas: Personas) -> None:
    arrived = timezone.localdate() - timedelta(days=2)
    newcomer = employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={"name": "新到岗", "id_number": NUMBER, "arrival_date": arrived},
    )
    assert newcomer.zone == Zone.BLUE
    assert newcomer.quiet_period_until is not None
    assert timezone.localtime(newcomer.quiet_period_until).date() == arrived + timedelta(days=7)
    assert newcomer.zone_moves.get().to_zone == Zone.BLUE
    veteran = employee_create(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={
            "name": "老员工",
            "id_number": id_number("41022219850505321"),
            "arrival_date": timezone.localdate() - timedelta(days=30),
        },
    )
    assert veteran.zone == Zone.GREEN and veteran.quiet_period_until is None
