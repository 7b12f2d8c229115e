"""Index-backed search of the two large registers, on PostgreSQL only.

The API's `?search=` on takedowns is a case-insensitive contains-search on the
normalised URL and the hosting provider, and the admin's `?q=` a case-insensitive
prefix search on the normalised URL. Django writes both as
``UPPER(col::text) LIKE UPPER(%s)``; a trigram GIN index on ``UPPER(col::text)``
serves every such LIKE (prefix or contains), so a search costs an index lookup instead
of a scan of millions of rows. The fraud register is searched by exact pseudonym,
which its existing b-tree indexes serve.

SQLite has no pg_trgm: there the searches stay correct and unindexed, and the models'
`Meta.indexes` stay database-neutral.
"""

from django.db import migrations

INDEXES = [
    ("takedown_url_upper_trgm", "incidents_phishingtakedown", "normalised_url"),
    ("takedown_hosting_upper_trgm", "incidents_phishingtakedown", "hosting_provider"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_soc_supplier_group")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
