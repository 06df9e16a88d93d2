"""The index the people typeahead reads a page off (core.pickers, ``rank="name"``): the name in
code-point order ("C" collation), then the id. PostgreSQL only: SQLite has no "C" collation and
compares code points already; an embedded registry is small."""

from django.db import migrations

INDEX = "person_name_rank"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {INDEX} ON branches_person ((name COLLATE "C"), id)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0005_branch_list_order_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
