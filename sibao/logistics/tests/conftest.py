import pytest

from conftest import Personas
from sibao.logistics.tests.factories import World, build_world


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)
