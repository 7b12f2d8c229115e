"""The admin's prefix search on takedowns, flat in the register's size (PostgreSQL only).

The admin's `?q=` searches ``^normalised_url``, which Django writes as
``UPPER(normalised_url::text) LIKE UPPER('…%')``. The trigram index of 0003 serves it, but a
trigram lookup reads the posting lists of every trigram of the term, which grow with the
register. A b-tree on the same expression with ``text_pattern_ops`` turns the prefix into a
range scan: the same cost at 10,000 rows and at 10,000,000.
"""

from django.db import migrations

NAME = "takedown_url_upper_prefix"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "incidents_phishingtakedown" '
        '((UPPER("normalised_url"::text)) text_pattern_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_trigram_search_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
