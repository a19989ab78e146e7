"""The landing page (moved out of the kernel, issue 9 #5): what the user's role has in scope."""

import pytest
from django.test import Client

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


def test_an_official_sees_the_enterprises_in_scope(personas: Personas) -> None:
    response = client_for(personas.tongxu_epidemic).get("/")
    assert response.status_code == 200
    assert response.context["enterprise_count"] == 2  # 通许县's two, not 新郑市's


def test_the_command_screen_is_the_home_of_the_hq_office_and_the_leaders(personas: Personas) -> None:
    for user in (personas.tongxu_hq, personas.tongxu_leader, personas.henan_hq):
        response = client_for(user).get("/")
        assert response.status_code == 302 and response["Location"] == "/screen/"
    assert client_for(personas.tongxu_supervision).get("/").status_code == 200  # its own home page


def test_an_enterprise_user_sees_its_own_enterprise(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).get("/")
    assert response.context["own_enterprise"] == personas.ent_a
    assert personas.ent_a.name in response.content.decode()


def test_anonymous_users_are_sent_to_the_login(personas: Personas) -> None:
    anonymous = Client().get("/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
