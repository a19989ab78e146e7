"""X-1 Chinese by default with an English switch; X-2 nothing is loaded from the internet."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from conftest import Personas

ROOT = Path(__file__).resolve().parent.parent / "sibao"
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.tongxu_hq)
    page = client.get("/enterprises/").content.decode()
    assert "企业和重点项目" in page and "导出Excel" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    english = client.get("/enterprises/").content.decode()
    assert "Enterprises and key projects" in english


def test_login_page_is_chinese_for_anonymous_visitors(db: None) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page and "用户名" in page


def test_every_catalogue_entry_is_compiled() -> None:
    """The committed .mo matches the .po: each msgid translates to its msgstr at run time."""
    text = PO.read_text(encoding="utf-8")
    entries = re.findall(
        r'\n(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)+)"\n', text
    )
    assert len(entries) > 100
    with translation.override("zh-hans"):
        for context, source, target in entries:
            source = source.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            target = target.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            found = translation.pgettext(context, source) if context else translation.gettext(source)
            assert found == target, (context, source)


def test_no_template_or_stylesheet_loads_from_the_internet() -> None:
    offenders = []
    for path in list(ROOT.rglob("*.html")) + list((ROOT / "static").rglob("*.css")):
        if REMOTE.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_vendored_assets_exist() -> None:
    vendor = ROOT / "static" / "vendor"
    for name in (
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/js/bootstrap.bundle.min.js",
        "bootstrap-icons/bootstrap-icons.min.css",
        "bootstrap-icons/fonts/bootstrap-icons.woff2",
        "htmx/htmx.min.js",
        "echarts/echarts.min.js",
    ):
        assert (vendor / name).stat().st_size > 1000, name


def test_an_english_browser_still_gets_chinese_until_it_switches(db: None) -> None:
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "用户名" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Username" in client.get("/accounts/login/").content.decode()
