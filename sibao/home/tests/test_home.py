"""The landing page: the command screen for the HQ office and the leaders (issue 11 #2), the "待我处理" workbench
for everyone else (issue 11 #4)."""

import pytest
from django.test import Client

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


def test_the_command_screen_is_the_home_of_the_hq_office_and_the_leaders(personas: Personas) -> None:
    for user in (personas.tongxu_hq, personas.tongxu_leader, personas.henan_hq):
        response = client_for(user).get("/")
        assert response.status_code == 302 and response["Location"] == "/screen/"


def test_everyone_else_lands_on_the_workbench(personas: Personas) -> None:
    for user in (personas.tongxu_supervision, personas.ent_a_user):
        response = client_for(user).get("/")
        assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_anonymous_users_are_sent_to_the_login(personas: Personas) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
