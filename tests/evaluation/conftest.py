import pytest

from .world import build_world


@pytest.fixture
def world(org_tree):
    return build_world(org_tree)


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
