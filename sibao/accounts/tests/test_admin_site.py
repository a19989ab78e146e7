"""Issue 9 #8: the admin site names third-party apps and models in Chinese, and administrators reach it from
the platform's menu."""

import re

import pytest
from django.test import Client

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db


def test_third_party_apps_and_models_have_chinese_names(personas: Personas) -> None:
    page = client_for(personas.admin).get("/admin/").content.decode()
    visible = re.sub(r"<[^>]+>", " ", page)
    for chinese in ("登录安全", "登录尝试", "登录失败记录", "登录记录", "审计日志", "审计记录", "后台任务"):
        assert chinese in visible, chinese
    for english in ("Axes", "AXES", "Access attempts", "Access logs", "Log entries", "Task results", "Tasks Database"):
        assert english not in visible, english


def test_the_list_columns_of_login_records_are_chinese(personas: Personas) -> None:
    Client().post("/accounts/login/", {"username": personas.tongxu_hq.username, "password": "wrong"})
    page = client_for(personas.admin).get("/admin/axes/accessfailurelog/").content.decode()
    assert "尝试时间" in page and "IP 地址" in page and "Attempt Time" not in page


def test_administrators_find_the_admin_site_in_the_menu(personas: Personas) -> None:
    assert 'href="/admin/"' in client_for(personas.admin).get("/", follow=True).content.decode()
    for persona in (personas.tongxu_hq, personas.ent_a_user):
        assert 'href="/admin/"' not in client_for(persona).get("/", follow=True).content.decode()
