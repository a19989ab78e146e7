"""EP-1/X-3: an ID number that entered the platform through every door (registration, test results, venue scans,
arrivals, pharmacy purchases, tracing, drivers and checkpoint checks (LG-1/LG-2), the logged reveals) is nowhere
in clear text afterwards: not in any table of the database (every column of every row, cast to text), not in the
application's log output, not in the pages or API answers that show the person."""

import io
import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from conftest import Personas, client_for, make_user
from sibao.core.import_jobs import import_job_submit
from sibao.core.protected import digest
from sibao.core.roles import Role
from sibao.epidemic.ingest import results_import_submit
from sibao.epidemic.services import employee_create, employee_reveal_id_number
from sibao.epidemic.tests.test_employees import id_number
from sibao.health.models import ArrivalKind
from sibao.health.services import arrival_register
from sibao.logistics.services import checkpoint_save, driver_register, driver_reveal_id_number, pass_check
from sibao.regions.models import Region
from sibao.sentinel.imports import purchase_import
from sibao.venues.ingest import scans_import_submit
from sibao.venues.services import trace_person, venue_create

pytestmark = pytest.mark.django_db

NUMBER = id_number("41022219900101123")
VISITOR = id_number("41018419950505789")


def every_stored_text() -> str:
    """All rows of all tables as text (what a copy of the database file would give away)."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_an_id_number_is_never_stored_or_logged_in_clear(personas: Personas, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    now = timezone.localtime()
    worker = employee_create(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": NUMBER}
    )
    results_import_submit(
        actor=personas.tongxu_epidemic,
        institution="通许县人民医院",
        file_name="r.csv",
        content=f"姓名,身份证号码,采样时间,检测结果,检测机构\n王建军,{NUMBER},{now:%Y-%m-%d %H:%M},阴性,\n".encode(),
    )
    gate = venue_create(actor=personas.ent_a_user, enterprise=personas.ent_a, data={"kind": "entrance", "name": "东门"})
    scans = "".join(f"{gate.token},{number},{now:%Y-%m-%d %H:%M}\n" for number in (NUMBER, VISITOR))
    scans_import_submit(
        actor=personas.tongxu_epidemic, file_name="s.csv", content=("场所码,身份证号码,扫码时间\n" + scans).encode()
    )
    arrival_register(
        actor=personas.ent_a_user,
        enterprise=personas.ent_a,
        data={
            "name": "访客",
            "id_number": VISITOR,
            "kind": ArrivalKind.VISITOR,
            "origin_county": Region.objects.get(code="410184"),
            "expected_date": now.date(),
        },
    )
    pharmacy = "药店名称,身份证号码,姓名,药品名称,药品类别,购药时间\n"
    pharmacy += f"惠民大药房,{NUMBER},王建军,布洛芬,退热类,{now:%Y-%m-%d}\n"
    purchase = purchase_import(
        actor=personas.tongxu_epidemic, upload=io.BytesIO(pharmacy.encode()), filename="p.csv", commit=True
    )
    assert purchase.committed, purchase.errors
    checked = import_job_submit(  # an employee file waiting for confirmation: its preview is stored
        actor=personas.ent_a_user,
        kind="employees",
        upload=io.BytesIO(f"姓名,身份证号码\n访客,{VISITOR}\n".encode()),
        file_name="e.csv",
        params={"enterprise": personas.ent_a.pk},
        commit=False,
    )
    assert checked.status == "checked" and checked.upload is not None
    trace_person(
        actor=personas.tongxu_epidemic,
        start=now - timedelta(days=1),
        end=now + timedelta(hours=1),
        purpose="流调",
        id_number=NUMBER,
    )
    assert employee_reveal_id_number(actor=personas.tongxu_epidemic, employee=worker, purpose="流调") == NUMBER
    # LG-1/LG-2: the employee drives for the firm; a checkpoint officer types a visitor's number at a check.
    driver = driver_register(
        actor=personas.ent_a_user, enterprise=personas.ent_a, data={"name": "王建军", "id_number": NUMBER}
    )
    assert driver.employee_id == worker.pk
    assert driver_reveal_id_number(actor=personas.tongxu_epidemic, driver=driver, purpose="核验") == NUMBER
    tongxu = Region.objects.get(code="410222")
    group = make_user("p_clear_logistics", Role.LOGISTICS, region=tongxu)
    data = {"region": tongxu, "name": "通许收费站检查点", "kind": "highway_exit"}
    checkpoint = checkpoint_save(actor=group, data=data)
    officer = make_user("p_clear_checkpoint", Role.CHECKPOINT, region=tongxu)
    pass_check(actor=officer, checkpoint_id=checkpoint.pk, token="not-a-pass", id_number=VISITOR)

    stored = every_stored_text()
    assert worker.id_masked in stored and digest(VISITOR) in stored  # the rows are there, keyed by digest
    for number in (NUMBER, VISITOR):
        assert number not in stored and number.lower() not in stored
        assert number not in caplog.text

    client = client_for(personas.tongxu_epidemic)
    pages = (f"/employees/{worker.pk}/", f"/api/employees/{worker.pk}", "/health/arrivals/", "/warnings/")
    pages += (f"/logistics/drivers/{driver.pk}/", f"/api/logistics/drivers/{driver.pk}", "/logistics/checks/")
    for url in pages:
        body = client.get(url).content.decode()
        assert NUMBER not in body and VISITOR not in body, url
