"""The demo data as ``make run`` loads it, checked app by app (whitelist, requests, readiness).

``load_demo`` plays weeks of history through the services and is the most expensive set-up of the suite (~45 s
on PostgreSQL), so it runs once here for every app's checks — each app keeps its checks beside its code in
``tests/demo_checks.py`` (not collected on its own) and they are gathered below under the app's name."""

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from sibao.readiness.tests import demo_checks as readiness
from sibao.tickets.tests import demo_checks as tickets
from sibao.whitelist.tests import demo_checks as whitelist


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """``load_demo`` once for the module, rolled back afterwards (each test runs in a savepoint inside)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _gather(app: str, module: ModuleType) -> None:
    for name, check in vars(module).items():
        if name.startswith("test_") and callable(check):
            globals()[f"test_{app}_{name.removeprefix('test_')}"] = check


for _app, _module in (("whitelist", whitelist), ("tickets", tickets), ("readiness", readiness)):
    _gather(_app, _module)
