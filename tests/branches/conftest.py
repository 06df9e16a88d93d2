"""A small world for the branches tests: two cities, three branches, one user per role."""

import pytest

from tests.shared_world import shared_world

from . import factories as f

# Built once per test module (tests/shared_world.py), in English as ``english`` below pins it.
world_once, world = shared_world(f.build_world, language="en")


@pytest.fixture(autouse=True)
def english():
    """Assertions name the English source strings: pin the language so the test still means
    the same once the Chinese catalogue is compiled."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A test client whose requests ask for English (LocaleMiddleware would pick zh-hans)."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client_for():
    """client_for(user) → an English-speaking client logged in as ``user`` (None: anonymous)."""
    from django.test import Client

    def make(user=None):
        c = Client(headers={"accept-language": "en"})
        if user is not None:
            c.force_login(user)
        return c

    return make
