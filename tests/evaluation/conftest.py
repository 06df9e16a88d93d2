import pytest

from tests.shared_world import shared_world

from .world import build_world


def _build(org_tree, make_user):
    return build_world(org_tree)


# Built once per test module (tests/shared_world.py), in English as ``english`` below pins it.
world_once, world = shared_world(_build, language="en")


@pytest.fixture(autouse=True)
def english():
    """Assertions name the English source strings: pin the language so a test still means the
    same once the Chinese catalogue is compiled."""
    from django.utils import translation

    with translation.override("en"):
        yield


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
