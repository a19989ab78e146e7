"""EN-3 pages: the enterprise files and corrects from its phone's form, officials read the day's reports by
region, sector and status, out of scope is 404, and a report's main problem becomes a request in one click."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from conftest import Personas, client_for
from sibao.operations.models import OperatingReport
from sibao.operations.tests.factories import filed, values

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    return {"day": timezone.localdate().isoformat(), **values(**overrides)}


def test_the_enterprise_files_and_corrects_today_s_report(personas: Personas) -> None:
    client = client_for(personas.ent_a_user)
    page = client.get("/operations/")
    assert page.context["today_report"] is None
    response = client.post("/operations/new/", form_data(status="closed_loop", capacity_percent="72"))
    report = OperatingReport.objects.get(enterprise=personas.ent_a)
    assert response.status_code == 302 and response["Location"] == f"/operations/{report.pk}/"
    assert report.status == "closed_loop" and report.filed_by == personas.ent_a_user
    corrected = client.post(f"/operations/{report.pk}/correct/", form_data(status="normal", capacity_percent="95"))
    assert corrected.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.capacity_percent) == ("normal", 95)


def test_a_bad_value_is_shown_next_to_its_field(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).post("/operations/new/", form_data(capacity_percent="130"))
    assert response.status_code == 400
    assert response.context["form"].errors["capacity_percent"][0].startswith("产能利用率")
    assert 'data-field-error="capacity_percent"' in response.content.decode()
    assert not OperatingReport.objects.exists()


def test_officials_filter_the_day_by_region_sector_and_status(personas: Personas) -> None:
    p = personas
    filed(p.ent_a_user, p.ent_a, status="halted", staff_on_site=0, capacity_percent=0)
    filed(p.ent_b_user, p.ent_b)
    filed(p.xinzheng_hq, p.ent_xinzheng, status="halted", staff_on_site=0, capacity_percent=0)
    client = client_for(p.tongxu_hq)

    def count(**params: str) -> int:
        return int(client.get("/operations/", params).context["page"].paginator.count)

    assert count() == 2  # not 新郑市's
    assert count(status="halted") == 1 and count(status="not_normal") == 1
    assert count(sector="commerce") == 1
    assert count(region=p.ent_a.region.code) == 1
    assert count(region="410184") == 0  # another county: nothing of it
    assert count(day=(timezone.localdate() - timedelta(days=1)).isoformat()) == 0


def test_out_of_scope_reports_are_404(personas: Personas) -> None:
    report = filed(personas.xinzheng_hq, personas.ent_xinzheng)
    for url in (f"/operations/{report.pk}/", f"/operations/{report.pk}/correct/"):
        assert client_for(personas.tongxu_hq).get(url).status_code == 404
    assert client_for(personas.ent_b_user).get(f"/operations/{report.pk}/").status_code == 404
    assert (
        client_for(personas.tongxu_hq).get(f"/operations/new/?enterprise={personas.ent_xinzheng.pk}").status_code == 404
    )


def test_an_official_files_on_behalf_of_a_firm(personas: Personas) -> None:
    client = client_for(personas.tongxu_township)
    response = client.post(f"/operations/new/?enterprise={personas.ent_a.pk}", form_data())
    assert response.status_code == 302
    assert OperatingReport.objects.get().filed_by == personas.tongxu_township


def test_the_main_problem_becomes_a_request_in_one_click(personas: Personas) -> None:
    report = filed(
        personas.ent_a_user,
        personas.ent_a,
        status="reduced",
        problem_category="raw_materials",
        main_problem="外省钢材供应商停发，原材料仅够5天。",
    )
    client = client_for(personas.ent_a_user)
    link = client.get(f"/operations/{report.pk}/").context["request_link"]
    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == "/requests/new/" and query["category"] == ["raw_materials"]
    form = client.get(link).context["form"]
    assert form.initial["category"] == "raw_materials"
    assert form.initial["text"] == "外省钢材供应商停发，原材料仅够5天。"
    assert report.day.isoformat() in form.initial["title"]
    # An official filing for the enterprise finds the enterprise chosen too.
    official = client_for(personas.tongxu_hq).get(link)
    assert str(official.context["form"].initial["enterprise"]) == str(personas.ent_a.pk)
