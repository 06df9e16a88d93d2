"""Worlds built once per test module instead of once per test.

Most modules build a small world for every test (organizations, users, branches and projects
made through the services, so grants, histories and lights are real): 0.2–0.4 s a test, a
third of the suite. ``shared_world`` builds it once per module instead, in the pattern of
Django's ``TestCase.setUpTestData``::

    world_once, world = shared_world(build_world)             # was: def world(org_tree, make_user)

- the world is built the first time a test of the module asks for it, inside an outer
  transaction that is rolled back when the module's last test is done;
- every test still runs in its own savepoint (pytest-django's ``db``), so what it writes is
  gone before the next test, and gets its own deep copy of the world's objects (as
  ``setUpTestData``'s ``TestData`` does), so what it changes in memory is gone too;
- ``org_tree`` and ``make_user`` in such a test are the world's (the same organizations, the
  same user counter), as when the world was built from those fixtures;
- the world is built on the suite's clock from the module's moment (``clock_moment``), and each test's clock then
  starts where the build ended — the timeline of a world built in the test's own setup;
- tests of a module that do not use its shared world run before those that do
  (``order_shared_world_tests``), so that they never see it; ``check_isolation`` in
  tests/conftest.py fails any test that would run while a world it did not ask for is loaded,
  and a transactional test may not use one (its flush would empty it).

``build(org_tree, make_user)`` is the module's builder, unchanged. ``language`` and
``language_code``: the active language and ``settings.LANGUAGE_CODE`` the world used to be
built with (when the module's ``english`` fixture ran before the world).
"""

import copy
import inspect
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from tests.clock import clock_now

PREFIX = "shared_world_once__"


class SharedWorldState:
    """How many shared worlds are loaded (their outer transactions open) right now."""

    open = 0


def uses_shared_world(item) -> bool:
    return any(name.startswith(PREFIX) for name in getattr(item, "fixturenames", ()))


def shared_world_of(request):
    """In a test on a shared world: its copy of the world's organizations and how many users
    the world made (for ``org_tree`` and ``make_user``); None in any other test."""
    names = [name for name in request.fixturenames if name.startswith(PREFIX)]
    if not names:
        return None
    request.getfixturevalue(names[0][len(PREFIX):])  # this test's copy of the world, made once
    return request.node.shared_world


def shared_world(build, *, name: str = "world", language: str | None = None, language_code: str | None = None):
    """A module-scoped fixture that builds the world once and a function-scoped one, ``name``,
    that hands each test its own copy (see the module docstring). Assign both in the module
    (or conftest): ``world_once, world = shared_world(build_world)``."""
    once_name = PREFIX + name

    @pytest.fixture(scope="module", name=once_name)
    def once(django_db_setup, django_db_blocker, clock_moment):
        from tests.utils import UserMaker, build_org_tree

        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
        SharedWorldState.open += 1
        try:
            with django_db_blocker.unblock(), time_machine.travel(clock_moment, tick=True):
                with (
                    translation.override(language) if language else _nothing(),
                    override_settings(LANGUAGE_CODE=language_code) if language_code else _nothing(),
                ):
                    tree = build_org_tree()
                    maker = UserMaker()
                    world = build(tree, maker)
                built_at = clock_now()
            yield SimpleNamespace(world=world, tree=tree, maker=maker, built_at=built_at)
        finally:
            SharedWorldState.open -= 1
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    def per_test(request, db, frozen_clock, **shared):
        state = shared[once_name]
        copied = copy.deepcopy({"world": state.world, "tree": state.tree})
        request.node.shared_world = SimpleNamespace(tree=copied["tree"], users_made=state.maker.n)
        frozen_clock.move_to(state.built_at)
        return copied["world"]

    # pytest reads the fixture's arguments from its signature: name the module fixture there.
    per_test.__signature__ = inspect.Signature(
        [inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD) for arg in ("request", "db", "frozen_clock")]
        + [inspect.Parameter(once_name, inspect.Parameter.KEYWORD_ONLY)]
    )
    per_test.__name__ = name
    return once, pytest.fixture(name=name)(per_test)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def order_shared_world_tests(items) -> None:
    """Within each module, the tests that use a shared world run after those that do not (a
    stable partition: each group keeps its order). Refuse a transactional test that uses one."""
    from tests.demo_data import is_transactional

    modules: dict = {}
    for item in items:
        modules.setdefault(getattr(item, "module", None), []).append(item)
    ordered = []
    for module_items in modules.values():
        shared = [item for item in module_items if uses_shared_world(item)]
        for item in shared:
            if is_transactional(item):
                raise pytest.UsageError(f"{item.nodeid}: a transactional test cannot use a shared world (its flush would empty it)")
        ordered += [item for item in module_items if not uses_shared_world(item)] + shared
    items[:] = ordered
