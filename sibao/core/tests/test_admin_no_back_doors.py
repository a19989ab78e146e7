"""Issue 9 #7: the admin is no back door around the services. Every domain row (workflow items, enterprise
records, incidents, imports …) is read-only there; configuration administrators own stays editable, and
parameters are saved through their service."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.emergency import services as emergency_services
from sibao.emergency.models import ShutdownState
from sibao.enterprises.models import EnterpriseRecord
from sibao.incidents import services as incident_services
from sibao.incidents.tests.factories import person, reported, to_retest
from sibao.parameters.models import ParameterOverride

pytestmark = pytest.mark.django_db

# Apps whose rows only their services write (workflows, records, epidemic data, inboxes).
DOMAIN_APPS = {
    "enterprises",
    "whitelist",
    "tickets",
    "epidemic",
    "sentinel",
    "health",
    "venues",
    "incidents",
    "readiness",
    "notifications",
    "emergency",
}


def _registered_domain_admins() -> list[tuple[str, Any]]:
    return sorted(
        (model._meta.label, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
    )


def test_domain_models_are_read_only_in_the_admin(personas: Personas) -> None:
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    registered = _registered_domain_admins()
    assert {"emergency.Shutdown", "emergency.Emergency", "enterprises.EnterpriseRecord"} <= {
        label for label, _ in registered
    }
    for label, model_admin in registered:
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert model_admin.has_view_permission(request), label  # administrators can still look


def test_a_shutdown_cannot_be_approved_or_stretched_in_the_admin(personas: Personas) -> None:
    incident = to_retest(personas, reported(personas, person(personas, "41022219900101001", "张复核")))
    incident = incident_services.incident_confirm(actor=personas.tongxu_epidemic, incident=incident)
    start = timezone.localdate()
    shutdown = emergency_services.shutdown_propose(
        actor=personas.tongxu_epidemic,
        enterprise=incident.enterprise,
        incident=incident,
        cause="epidemic_case",
        date_from=start,
        date_to=start + timedelta(days=2),
        scope="2号车间",
        reason="车间内发现复核阳性",
    )
    client = client_for(personas.admin)
    url = f"/admin/emergency/shutdown/{shutdown.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="date_to"' not in page.content.decode()
    response = client.post(
        url,
        {
            "state": ShutdownState.APPROVED,
            "date_from": start.isoformat(),
            "date_to": (start + timedelta(days=30)).isoformat(),
            "scope": "全厂",
            "reason": "x",
        },
    )
    assert response.status_code == 403
    shutdown.refresh_from_db()
    assert shutdown.state == ShutdownState.PROPOSED and shutdown.date_to == start + timedelta(days=2)


def test_enterprise_records_are_not_entered_in_the_admin(personas: Personas) -> None:
    client = client_for(personas.admin)
    assert client.get("/admin/enterprises/enterpriserecord/add/").status_code == 403
    response = client.post(
        "/admin/enterprises/enterpriserecord/add/",
        {"enterprise": personas.ent_a.pk, "kind": "safety_accident", "severity": "major", "occurred_on": "2025-01-01"},
    )
    assert response.status_code == 403 and not EnterpriseRecord.objects.exists()


def test_parameters_are_saved_through_their_service(personas: Personas) -> None:
    client = client_for(personas.admin)
    tongxu = region("410222")
    bad = client.post(
        "/admin/parameters/parameteroverride/add/",
        {"key": "epidemic.retest_hours", "region": tongxu.pk, "state": "normal", "value": '"many"', "note": ""},
    )
    assert bad.status_code == 200 and not ParameterOverride.objects.exists()
    good = client.post(
        "/admin/parameters/parameteroverride/add/",
        {"key": "epidemic.retest_hours", "region": tongxu.pk, "state": "normal", "value": "4", "note": "县指挥部通知"},
    )
    assert good.status_code == 302
    override = ParameterOverride.objects.get(key="epidemic.retest_hours", region=tongxu)
    assert override.value == 4 and override.updated_by == personas.admin
    # EM-1: a value for the emergency state is saved the same way, next to the normal one.
    emergency = client.post(
        "/admin/parameters/parameteroverride/add/",
        {"key": "epidemic.retest_hours", "region": tongxu.pk, "state": "emergency", "value": "3", "note": "应急"},
    )
    assert emergency.status_code == 302
    assert ParameterOverride.objects.get(key="epidemic.retest_hours", region=tongxu, state="emergency").value == 3
