"""EN-2: supply-chain links and pairings, recorded through page and API, inside the scope."""

import json

import pytest

from conftest import Personas, client_for
from sibao.enterprises.models import Pairing, SupplyChainLink

pytestmark = pytest.mark.django_db


def test_hq_records_a_supplier_on_the_page_and_both_sides_show_it(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    response = client.post(
        f"/enterprises/{personas.ent_a.pk}/relations/",
        {"relation": "supplier", "partner_uscc": personas.ent_b.uscc, "detail": "钢材"},
    )
    assert response.status_code == 302
    link = SupplyChainLink.objects.get()
    assert (link.supplier, link.customer, link.product) == (personas.ent_b, personas.ent_a, "钢材")
    assert personas.ent_a.name in client.get(f"/enterprises/{personas.ent_b.pk}/").content.decode()
    # Removing it
    client.post(f"/enterprises/{personas.ent_a.pk}/relations/supply/{link.pk}/remove/")
    assert not SupplyChainLink.objects.exists()


def test_pairing_through_the_api_and_listed(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    url = f"/api/enterprises/{personas.ent_a.pk}/relations"
    payload = {"relation": "pairing:accommodation_catering", "partner_uscc": personas.ent_b.uscc, "detail": "员工食宿"}
    assert client.post(url, data=json.dumps(payload), content_type="application/json").status_code == 201
    again = client.post(url, data=json.dumps(payload), content_type="application/json")
    assert again.status_code == 422  # the same pairing twice is refused
    body = client.get(url).json()
    assert [p["partner"]["name"] for p in body["pairings"]] == [personas.ent_b.name]
    assert Pairing.objects.count() == 1


def test_partner_outside_scope_is_refused_and_nothing_saved(personas: Personas) -> None:
    client = client_for(personas.tongxu_hq)
    payload = {"relation": "customer", "partner_uscc": personas.ent_xinzheng.uscc}
    response = client.post(
        f"/api/enterprises/{personas.ent_a.pk}/relations", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["field"] == "partner_uscc"  # not in the caller's area
    assert not SupplyChainLink.objects.exists()


def test_read_only_roles_cannot_record_relations(personas: Personas) -> None:
    client = client_for(personas.tongxu_supervision)
    payload = {"relation": "supplier", "partner_uscc": personas.ent_b.uscc}
    response = client.post(
        f"/api/enterprises/{personas.ent_a.pk}/relations", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 403
    assert client.post(f"/enterprises/{personas.ent_a.pk}/relations/", payload).status_code == 403
    assert not SupplyChainLink.objects.exists()
