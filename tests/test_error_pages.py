"""Issue 11 #5, issue 8 #9: 400/403/404/500 are pages in the layout and in Chinese with a way back, JSON
``{code, message}`` under /api/; a database outage is a 503 rendered without the database."""

from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, override_settings

from conftest import Personas, client_for

pytestmark = pytest.mark.django_db

BOOM = override_settings(ROOT_URLCONF="tests.error_urls")


def test_404_is_in_the_layout_in_chinese_with_a_way_home(personas: Personas) -> None:
    response = client_for(personas.tongxu_hq).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="current-user"' in page  # the platform's header, with the menu
    assert "页面不存在" in page and 'href="/"' in page and "Not Found" not in page


def test_404_for_a_visitor_offers_the_login_and_the_public_pages(reference_data: None) -> None:
    page = Client().get("/no-such-page/").content.decode()
    assert 'href="/accounts/login/"' in page and 'href="/public/whitelist/"' in page


def test_403_is_in_the_layout_in_chinese(personas: Personas) -> None:
    response = client_for(personas.ent_a_user).get("/core/audit/")
    page = response.content.decode()
    assert response.status_code == 403 and "无权" in page and 'data-testid="way-back"' in page
    assert "403 Forbidden" not in page


def test_the_api_answers_json_for_unknown_paths(personas: Personas) -> None:
    response = client_for(personas.tongxu_hq).get("/api/no-such-endpoint")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found" and response.json()["message"]


@BOOM
def test_a_500_is_a_page_in_chinese_and_json_under_the_api(personas: Personas) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(personas.tongxu_hq)
    page = client.get("/boom/")
    assert page.status_code == 500 and "系统" in page.content.decode() and 'href="/"' in page.content.decode()
    assert "Server Error (500)" not in page.content.decode()
    api = client.get("/api/boom")
    assert api.status_code == 500 and api.json() == {
        "code": "server_error",
        "message": api.json()["message"],
        "field": None,
    }
    assert "系统" in api.json()["message"] or "平台" in api.json()["message"]


def test_a_database_outage_is_a_503_page_rendered_without_the_database(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(personas.tongxu_hq)

    def down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    monkeypatch.setattr(CursorWrapper, "executemany", down)
    page = client.get("/enterprises/")
    assert page.status_code == 503 and page["Retry-After"] == "60"
    text = page.content.decode()
    assert "数据库" in text and "/static/sibao/sibao.css" in text  # the layout, no Django debug text
    api = client.get("/api/enterprises")
    assert api.status_code == 503 and api.json()["code"] == "service_unavailable"


def test_a_csrf_failure_is_explained_in_chinese(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.tongxu_hq)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403 and "刷新" in response.content.decode()


def test_the_login_page_links_the_public_pages(reference_data: None) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/public/whitelist/"' in page and 'href="/public/criteria/"' in page


def test_without_collected_static_files_the_500_page_still_answers_in_chinese(
    reference_data: None, tmp_path: Any
) -> None:
    """SIBAO_PRODUCTION serves hashed static files: before collectstatic every page fails (README: `make serve`
    collects them). Even then the visitor gets a Chinese page, not a blank or English one."""
    manifest = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=manifest, STATIC_ROOT=tmp_path):
        response = Client(raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 500 and "系统暂时无法处理您的请求" in response.content.decode()
