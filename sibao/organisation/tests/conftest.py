from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from sibao.organisation.loading import DATA_DIR, load_organisation
from sibao.regions.models import Region


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """All shipped organisation files, loaded once for the module (~5 s each time) and rolled back afterwards;
    each test runs in a savepoint inside. Henan's regions first if a transactional test flushed them."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Region.objects.filter(code="410222").exists():
            call_command("load_regions", verbosity=0)
        yield load_organisation(DATA_DIR)
        transaction.set_rollback(True)
