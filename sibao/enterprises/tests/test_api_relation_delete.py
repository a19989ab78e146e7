"""X-5 over EN-2: ``DELETE /api/enterprises/{id}/relations/{kind}/{relation_id}`` removes a supply-chain link or a
pairing as the enterprise page's remove button does — same service, capability, scope and audit entry."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client

from conftest import Personas, client_for
from sibao.enterprises.models import Enterprise, Pairing, PairingKind, SupplyChainLink
from sibao.enterprises.services import pairing_add, supply_link_add

pytestmark = pytest.mark.django_db


def _url(enterprise: Enterprise, kind: str, relation_id: int) -> str:
    return f"/api/enterprises/{enterprise.pk}/relations/{kind}/{relation_id}"


def _link(personas: Personas) -> SupplyChainLink:
    """ent_b supplies ent_a (both of 通许县)."""
    return supply_link_add(actor=personas.tongxu_hq, supplier=personas.ent_b, customer=personas.ent_a, product="钢材")


def _pairing(personas: Personas) -> Pairing:
    return pairing_add(
        actor=personas.tongxu_hq, enterprise=personas.ent_a, partner=personas.ent_b, kind=PairingKind.TRANSPORT
    )


def _deletion(instance: Model) -> LogEntry:
    return LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        action=LogEntry.Action.DELETE,
    )


def test_the_hq_office_removes_a_supply_link_once_and_the_audit_log_names_it(personas: Personas) -> None:
    link = _link(personas)
    client = client_for(personas.tongxu_hq)
    response = client.delete(_url(personas.ent_a, "supply", link.pk))
    assert response.status_code == 204 and response.content == b""
    assert not SupplyChainLink.objects.filter(pk=link.pk).exists()
    assert _deletion(link).actor == personas.tongxu_hq
    again = client.delete(_url(personas.ent_a, "supply", link.pk))
    assert again.status_code == 404 and again.json()["code"] == "not_found"
    assert client.get(f"/api/enterprises/{personas.ent_a.pk}/relations").json()["suppliers"] == []


def test_a_link_is_removed_from_either_side_a_pairing_from_its_enterprise(personas: Personas) -> None:
    link, pairing = _link(personas), _pairing(personas)
    client = client_for(personas.tongxu_hq)
    assert client.delete(_url(personas.ent_b, "supply", link.pk)).status_code == 204  # the supplier's side
    assert client.delete(_url(personas.ent_b, "pairing", pairing.pk)).status_code == 404  # ent_a's pairing
    assert client.delete(_url(personas.ent_a, "pairing", pairing.pk)).status_code == 204
    assert not Pairing.objects.exists() and not SupplyChainLink.objects.exists()
    assert _deletion(pairing).actor == personas.tongxu_hq


def test_the_kind_must_match_the_relation(personas: Personas) -> None:
    link = _link(personas)
    client = client_for(personas.tongxu_hq)
    assert client.delete(_url(personas.ent_a, "pairing", link.pk)).status_code == 404
    response = client.delete(_url(personas.ent_a, "records", link.pk))  # not a kind the document names
    assert response.status_code == 422
    assert SupplyChainLink.objects.filter(pk=link.pk).exists()


def test_roles_without_the_registry_change_right_are_refused(personas: Personas) -> None:
    link, pairing = _link(personas), _pairing(personas)
    for user in (personas.ent_a_user, personas.tongxu_supervision, personas.tongxu_leader, personas.tongxu_township):
        client = client_for(user)
        response = client.delete(_url(personas.ent_a, "supply", link.pk))
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", user
        assert client.delete(_url(personas.ent_a, "pairing", pairing.pk)).status_code == 403
        assert client.post(f"/enterprises/{personas.ent_a.pk}/relations/supply/{link.pk}/remove/").status_code == 403
    assert Client().delete(_url(personas.ent_a, "supply", link.pk)).status_code == 401
    assert SupplyChainLink.objects.filter(pk=link.pk).exists() and Pairing.objects.filter(pk=pairing.pk).exists()


def test_out_of_scope_is_not_found(personas: Personas) -> None:
    link = _link(personas)
    xinzheng = client_for(personas.xinzheng_hq)  # another county: neither enterprise is in its area
    assert xinzheng.delete(_url(personas.ent_a, "supply", link.pk)).status_code == 404
    assert xinzheng.post(f"/enterprises/{personas.ent_a.pk}/relations/supply/{link.pk}/remove/").status_code == 404
    assert SupplyChainLink.objects.filter(pk=link.pk).exists()

    # A link to an enterprise of another county (recorded by the province): 通许县 may not remove it either.
    across = supply_link_add(actor=personas.admin, supplier=personas.ent_xinzheng, customer=personas.ent_a)
    tongxu = client_for(personas.tongxu_hq)
    assert tongxu.delete(_url(personas.ent_a, "supply", across.pk)).status_code == 404
    assert tongxu.post(f"/enterprises/{personas.ent_a.pk}/relations/supply/{across.pk}/remove/").status_code == 404
    assert SupplyChainLink.objects.filter(pk=across.pk).exists()
    assert client_for(personas.admin).delete(_url(personas.ent_a, "supply", across.pk)).status_code == 204

    assert tongxu.delete(_url(personas.ent_xinzheng, "supply", link.pk)).status_code == 404
    # The industry department writes the registry, but ent_b (commerce) is outside its sector.
    assert client_for(personas.tongxu_industry).delete(_url(personas.ent_a, "supply", link.pk)).status_code == 404
    assert SupplyChainLink.objects.filter(pk=link.pk).exists()
    assert tongxu.delete(f"/api/enterprises/{10**12}/relations/supply/{link.pk}").status_code == 404
