"""Issue 8 #4: a task force ends only the risk areas of its own region (another county's → 404, nothing
changed), and an end date never moves later (that would re-open an area already lifted)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for, make_user, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.roles import Role
from sibao.health.models import RiskArea, RiskLevel
from sibao.health.services import risk_area_create, risk_area_end

pytestmark = pytest.mark.django_db


def _area(personas: Personas, **extra: object) -> RiskArea:
    today = timezone.localdate()
    data = {"county": region("410103"), "level": RiskLevel.MEDIUM, "valid_from": today - timedelta(days=5)}
    return risk_area_create(actor=personas.tongxu_epidemic, data={**data, **extra})


def _end(client: object, area: RiskArea, until: object) -> object:
    return client.post(  # type: ignore[attr-defined]
        f"/api/health/risk-areas/{area.pk}/end",
        data=json.dumps({"until": until.isoformat()}),  # type: ignore[attr-defined]
        content_type="application/json",
    )


def test_the_entering_region_owns_the_area(personas: Personas) -> None:
    area = _area(personas)
    assert area.owner_region == region("410222")


def test_another_county_cannot_end_a_risk_area(personas: Personas) -> None:
    area = _area(personas)
    xinzheng = make_user("xz_epidemic", Role.EPIDEMIC, region=region("410184"))
    today = timezone.localdate()

    assert _end(client_for(xinzheng), area, today).status_code == 404
    page = client_for(xinzheng).post(f"/health/risk-areas/{area.pk}/end/", {"until": today.isoformat()})
    assert page.status_code == 404
    with pytest.raises(PermissionRefused):
        risk_area_end(actor=xinzheng, area=area, until=today)
    area.refresh_from_db()
    assert area.valid_until is None
    # The list is still everyone's (arrivals are coded on it), but without the "end" form for another county.
    listing = client_for(xinzheng).get("/health/risk-areas/").content.decode()
    assert "二七区" in listing and f"/health/risk-areas/{area.pk}/end/" not in listing


def test_the_owner_the_level_above_and_the_areas_own_county_may_end_it(personas: Personas) -> None:
    today = timezone.localdate()
    kaifeng = make_user("kf_epidemic", Role.EPIDEMIC, region=region("410200"))  # the city above 通许县
    erqi = make_user("eq_epidemic", Role.EPIDEMIC, region=region("410103"))  # the area's own county
    for actor in (personas.tongxu_epidemic, kaifeng, erqi):
        area = _area(personas)
        assert f"/health/risk-areas/{area.pk}/end/" in client_for(actor).get("/health/risk-areas/").content.decode()
        assert _end(client_for(actor), area, today).status_code == 200
        area.refresh_from_db()
        assert area.valid_until == today


def test_an_end_date_may_only_move_earlier(personas: Personas) -> None:
    today = timezone.localdate()
    area = _area(personas, valid_until=today - timedelta(days=2))
    client = client_for(personas.tongxu_epidemic)

    reopened = _end(client, area, today + timedelta(days=30))
    assert reopened.status_code == 400
    body = reopened.json()
    assert body["field"] == "valid_until" and "截止日期" in body["message"]
    area.refresh_from_db()
    assert area.valid_until == today - timedelta(days=2)

    before_start = _end(client, area, today - timedelta(days=6))
    assert before_start.status_code == 400 and before_start.json()["field"] == "valid_until"
    assert "截止日期" in before_start.json()["message"]

    assert _end(client, area, today - timedelta(days=3)).status_code == 200
    area.refresh_from_db()
    assert area.valid_until == today - timedelta(days=3)


def test_the_page_refuses_a_later_end_date_with_a_message(personas: Personas) -> None:
    today = timezone.localdate()
    area = _area(personas, valid_until=today + timedelta(days=1))
    client = client_for(personas.tongxu_epidemic)
    response = client.post(
        f"/health/risk-areas/{area.pk}/end/", {"until": (today + timedelta(days=9)).isoformat()}, follow=True
    )
    assert "截止日期" in response.content.decode()
    area.refresh_from_db()
    assert area.valid_until == today + timedelta(days=1)
    with pytest.raises(ServiceError):
        risk_area_end(actor=personas.tongxu_epidemic, area=area, until=today + timedelta(days=2))
