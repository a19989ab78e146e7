"""EP-1 → EP-9 in a browser: an enterprise registers a worker (the ID number shown masked), the epidemic task
force uploads a testing institution's file and watches it finish, the enterprise files its daily report with
the worker unwell and, from the sentinel warning this raises, reports a suspected case; the task force moves
the worker to temporary observation (red zone) with the 6 h re-test clock running, then takes the warning and
closes it with a note."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from sibao.epidemic.models import Employee
from sibao.epidemic.tests.test_employees import id_number
from sibao.incidents.models import Incident
from sibao.sentinel.models import SentinelWarning, WarningKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = id_number("41022219900101123")


def test_epidemic_loop(live_server: Any, open_as: Any, personas: Personas) -> None:
    # 1. The enterprise registers a driver; the page shows the number masked only.
    ent = open_as(personas.ent_a_user)
    ent.goto(f"{live_server.url}/employees/new/")
    ent.fill("#id_name", "王建军")
    ent.fill("#id_id_number", NUMBER)
    ent.select_option("#id_post_type", "logistics")
    ent.click("main form[method=post] button[type=submit]")
    ent.wait_for_url("**/employees/*/")
    assert ent.locator("[data-testid=id-masked]").inner_text() == NUMBER[:4] + "*" * 12 + NUMBER[-2:]
    assert NUMBER not in ent.content()
    worker = Employee.objects.get()

    # 2. The task force uploads the hospital's results and watches the import finish.
    task_force = open_as(personas.tongxu_epidemic)
    task_force.goto(f"{live_server.url}/employees/results/")
    task_force.fill("#id_institution", "通许县人民医院")
    sampled = timezone.localtime() - timedelta(hours=3)
    content = f"姓名,身份证号码,采样时间,检测结果,检测机构\n王建军,{NUMBER},{sampled:%Y-%m-%d %H:%M},阴性,\n"
    task_force.set_input_files("#id_file", {"name": "results.csv", "mimeType": "text/csv", "buffer": content.encode()})
    task_force.click("[data-testid=results-upload] button[type=submit]")
    task_force.wait_for_selector("[data-testid=import-done]")
    assert task_force.locator("[data-testid=progress-bar]").inner_text().strip() == "100%"
    ent.goto(f"{live_server.url}/employees/{worker.pk}/")
    assert "阴性" in ent.locator("[data-testid=test-results]").inner_text()

    # 3. The daily report names the worker with a fever.
    ent.goto(f"{live_server.url}/health/reports/new/")
    ent.fill("#id_people_on_site", "85")
    ent.select_option("#id_symptomatic", str(worker.pk))
    ent.check("input[name=symptoms][value=fever]")
    ent.click("main form[method=post] button[type=submit]")
    ent.wait_for_url("**/health/reports/*/")

    # 4. The symptoms are a sentinel warning; from it the enterprise reports the suspected case (the form comes
    #    with the person chosen) and the 6 h re-test clock starts.
    warning = SentinelWarning.objects.get(kind=WarningKind.SYMPTOMS, employee=worker)
    ent.goto(f"{live_server.url}/warnings/{warning.pk}/")
    ent.click("[data-testid=report-case]")
    ent.wait_for_url("**/incidents/new/?employee=*")
    assert ent.locator("#id_employee").input_value() == str(worker.pk)
    ent.select_option("#id_trigger", "symptoms")
    ent.fill("#id_note", "体温38.2℃，咳嗽")
    ent.click("main form[method=post] button[type=submit]")
    ent.wait_for_url("**/incidents/*/")
    incident = Incident.objects.get()
    assert ent.locator("[data-testid=incident-state]").get_attribute("data-state") == "reported"
    assert ent.locator("[data-testid=due] [data-testid=deadline]").get_attribute("data-deadline") == "running"
    assert incident.retest_due_at - incident.reported_at == timedelta(hours=6)

    # 5. The task force moves the worker to temporary observation: the red zone.
    task_force.goto(f"{live_server.url}/incidents/{incident.pk}/")
    form = task_force.locator("[data-testid=action-observe]")
    form.locator("[name='observe-place']").select_option("point")
    form.locator("button[data-action=observe]").click()
    task_force.wait_for_selector("[data-testid=incident-state][data-state=observation]")
    task_force.goto(f"{live_server.url}/employees/{worker.pk}/")
    assert "红区" in task_force.locator("[data-testid=zone]").inner_text()

    # 6. The task force takes the symptoms warning and closes it with a note.
    task_force.goto(f"{live_server.url}/warnings/?kind=symptoms")
    task_force.click(f"a[href$='/warnings/{warning.pk}/']")
    task_force.wait_for_url(f"**/warnings/{warning.pk}/")
    assert "王建军" in task_force.content() and NUMBER not in task_force.content()
    task_force.locator("[data-testid=action-take] button[type=submit]").click()
    task_force.wait_for_selector("[data-testid=status][data-status=handling]")
    close = task_force.locator("[data-testid=action-close]")
    close.locator("textarea, input[type=text]").first.fill("已转入临时留观点，安排单采复核")
    close.locator("button[type=submit]").click()
    task_force.wait_for_selector("[data-testid=status][data-status=closed]")
