"""One migration for every pytest-xdist process: the test databases are copies of a template.

Why: migrating an empty PostgreSQL database takes about 25 s of CPU here (Django renders the
model states again for each of some 300 operations, and every historical model points at the
user), and ``make test``'s two processes each migrated their own. Now the first process to need
a database migrates a template (``test_<name>_template``) under an advisory lock, and every
process, the first included, gets its database as ``CREATE DATABASE … TEMPLATE``: a file copy
of a few megabytes. The databases are the migrated ones, byte for byte: the migrations still run,
once.

Only under xdist, on PostgreSQL, and without ``--reuse-db`` (a kept database is pytest-django's
own business). The template is built under another name and renamed when complete, so a process
killed mid-migration leaves nothing that looks finished. The controller process drops the
template when the run starts (one left by a killed run would hold old migrations) and when it
ends (``drop_template``, tests/conftest.py), unless ``make test`` built it before pytest started
(``prebuild`` below).
"""

import os

import psycopg
from django.conf import settings
from django.db import connections

# pg_advisory_lock's key: any constant this suite alone uses.
LOCK_KEY = 0x67_6A_74_70  # "gjtp"


def template_name(settings_dict: dict) -> str:
    """``test_<NAME>_template``: the name pytest-django's databases have, less the process's suffix."""
    name = settings_dict["TEST"].get("NAME") or f"test_{settings_dict['NAME']}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and name.endswith(f"_{worker}"):
        name = name[: -len(worker) - 1]
    return f"{name}_template"


def applies(settings_dict: dict, *, keepdb: bool, controller: bool = False) -> bool:
    in_worker = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    return (controller or in_worker) and not keepdb and settings_dict["ENGINE"].endswith("postgresql")


def _maintenance(settings_dict: dict) -> psycopg.Connection:
    # A plain connection to the server's "postgres" database: the controller process has Django's
    # connections blocked (pytest-django), and the template may not have a session open on it.
    return psycopg.connect(
        dbname="postgres",
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def drop_template(settings_dict: dict) -> None:
    name = template_name(settings_dict)
    with _maintenance(settings_dict) as conn:
        for db in (name, f"{name}_building"):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')


def install(alias: str = "default") -> None:
    """Make ``create_test_db`` of this process's connection copy the template (building it first
    if no process has yet)."""
    connection = connections[alias]
    creation = connection.creation
    original = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if not applies(connection.settings_dict, keepdb=keepdb):
            return original(verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb)
        test_name = creation._get_test_db_name()
        template = template_name(connection.settings_dict)
        with _maintenance(connection.settings_dict) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                if not _exists(conn.cursor(), template):
                    build_template(alias, template, original, verbosity=verbosity)
                conn.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
                conn.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        # What create_test_db does after creating and migrating.
        connection.close()
        for databases in (connection.settings_dict, settings.DATABASES[alias]):
            databases["NAME"] = test_name
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        connection.ensure_connection()
        return test_name

    creation.create_test_db = create_test_db


def build_template(alias: str, template: str, create_test_db, *, verbosity: int = 0) -> None:
    """Migrate ``template`` (as ``…_building``, renamed when complete) with Django's own
    ``create_test_db``; the caller holds the advisory lock."""
    connection = connections[alias]
    building = f"{template}_building"
    test_settings = connection.settings_dict["TEST"]
    name, test_name = connection.settings_dict["NAME"], test_settings.get("NAME")
    test_settings["NAME"] = building
    try:
        create_test_db(verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False)
    finally:
        connection.close()  # no session may stay on a template
        test_settings["NAME"] = test_name
        for databases in (connection.settings_dict, settings.DATABASES[alias]):
            databases["NAME"] = name
    with _maintenance(connection.settings_dict) as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')


# ---------------------------------------------------------------- built before pytest starts
# ``make test`` (.ci/test.sh) runs ``python -m tests.template_db <file>`` beside its checks, as
# soon as PostgreSQL is up: the migration then overlaps the checks and pytest's collection
# instead of keeping one of the two cores idle in the first process's wait for the other's
# migration. It takes the lock, writes <file> (the script waits for it before starting pytest,
# so that no pytest process can look before the lock is held), drops a template left by an
# earlier run and builds this run's. pytest is told (PREBUILT_ENV) not to drop it at its start.
PREBUILT_ENV = "GONGJIAN_TEMPLATE_PREBUILT"


def prebuild(locked_flag: str) -> None:
    import django

    django.setup()
    connection = connections["default"]
    template = template_name(connection.settings_dict)
    with _maintenance(connection.settings_dict) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            with open(locked_flag, "w") as flag:
                flag.write(template)
            for db in (template, f"{template}_building"):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
            build_template("default", template, connection.creation.create_test_db)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


if __name__ == "__main__":
    import sys

    prebuild(sys.argv[1])
