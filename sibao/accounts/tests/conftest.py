from typing import Any

import pytest


@pytest.fixture(autouse=True)
def idle_clock_to_the_minute(settings: Any) -> None:
    """The session tests run the idle clock as production does (the other tests write it once a day)."""
    settings.SESSION_LAST_SEEN_RESOLUTION_SECONDS = 60
