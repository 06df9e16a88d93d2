"""The seed command's transaction: all or nothing, and the connection is left as it was.

(The suite runs on PostgreSQL, where the nested savepoints are switched off.)"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from branches.models import Organization, OrganizationKind
from evaluation.management.commands import seed_demo
from evaluation.management.commands.seed_demo import SEEDERS, one_transaction

pytestmark = pytest.mark.django_db


def test_an_error_inside_rolls_back_everything_and_savepoints_come_back():
    with pytest.raises(RuntimeError):
        with one_transaction():
            Organization.objects.create(name="半途而废", kind=OrganizationKind.CITY)
            with transaction.atomic():
                # Services nested in the seed open no savepoint of their own.
                assert connection.savepoint_ids[-1] is None
                raise RuntimeError("a seeder failed")
    assert not Organization.objects.filter(name="半途而废").exists()
    assert connection.features.uses_savepoints is True
    with transaction.atomic():
        assert connection.savepoint_ids[-1] is not None


def test_the_seeders_run_in_dependency_order():
    modules = [seeder.__module__.split(".")[0] for _label, seeder in SEEDERS]
    order = ["branches", "projects", "mechanisms", "evaluation"]
    assert modules[:2] == ["branches", "projects"]
    assert [order.index(m) for m in modules] == sorted(order.index(m) for m in modules)


def test_the_demo_is_seeded_in_the_installations_language_whoever_calls(monkeypatch):
    """The services store texts (history reasons, notices) as made: a caller left in English
    (a test process after an English request) seeded an English demo into a Chinese product."""
    seen = []

    def seeder(*, today):
        seen.append(translation.get_language())
        return {}

    monkeypatch.setattr(seed_demo, "SEEDERS", [("one", seeder)])
    monkeypatch.setattr(seed_demo.branches_demo, "account_lines", lambda: [])
    with translation.override("en"):
        call_command("seed_demo", stdout=io.StringIO())
        assert translation.get_language() == "en"

    assert seen == [settings.LANGUAGE_CODE]
