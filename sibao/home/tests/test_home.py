"""The landing page (moved out of the kernel, issue 9 #5): what the user's role has in scope."""

import pytest
from django.test import Client

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


def test_an_official_sees_the_enterprises_in_scope(personas: Personas) -> None:
    response = client_for(personas.tongxu_hq).get("/")
    assert response.status_code == 200
    assert response.context["enterprise_count"] == 2  # 通许县's two, not 新郑市's


def test_an_enterprise_user_sees_its_own_enterprise(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).get("/")
    assert response.context["own_enterprise"] == personas.ent_a
    assert personas.ent_a.name in response.content.decode()


def test_anonymous_users_are_sent_to_the_login(personas: Personas) -> None:
    anonymous = Client().get("/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
