"""PostgreSQL: a trigram index over the search vocabulary, so the word closest to a misspelt
one is read from the index (`ORDER BY word <-> 'camizeta' LIMIT 1`). The pg_trgm extension
is created only on PostgreSQL; SQLite corrects words in Python and needs no index."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_word_trgm_idx ON catalog_searchword USING gist (word gist_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS search_word_trgm_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_stock_alerts_search_words_home_in_stock")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
