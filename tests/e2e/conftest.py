"""Browser tests: Playwright (Python) driving Debian's chromium against the live server."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import TEST_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, chromium tries to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> Iterator[list[str]]:
    """Issue 8 #9: every browser test also fails on a Content-Security-Policy violation (an inline script,
    style or handler the policy refused), which would otherwise only show in the console."""
    seen: list[str] = []
    yield seen
    assert not seen, f"Content-Security-Policy violations: {seen}"


def watch_csp(context: Any, seen: list[str]) -> None:
    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(message.text)

    context.on("page", lambda page: page.on("console", on_console))


@pytest.fixture
def page(browser: Any, csp_violations: list[str]) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def open_as(browser: Any, live_server: Any, csp_violations: list[str]) -> Iterator[Any]:
    """A fresh browser context per person (separate sessions), logged in through the login page."""
    contexts = []

    def login(user: Any | None) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        watch_csp(context, csp_violations)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", TEST_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("[data-testid=current-user]")
        return page

    yield login
    for context in contexts:
        context.close()
