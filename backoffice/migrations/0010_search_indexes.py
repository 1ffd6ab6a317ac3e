"""The back office's customer and order search, indexed for each way staff look someone up:
a part of a name (trigram indexes on the customer's and the order's name) and the phone typed
at checkout. The order number (unique), the CPF (order_cpf_idx) and the email
(user_email_prefix_idx, order_email_idx) have theirs already.

The name indexes serve `icontains`, which PostgreSQL runs as UPPER(name) LIKE UPPER('%...%');
they are PostgreSQL's (pg_trgm, as the catalog search uses). SQLite gets the phone index only.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS user_full_name_trgm_idx ON accounts_user USING gin (UPPER(full_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS order_full_name_trgm_idx ON orders_order USING gin (UPPER(full_name::text) gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS order_full_name_trgm_idx",
    "DROP INDEX IF EXISTS user_full_name_trgm_idx",
]
FORWARD = ["CREATE INDEX IF NOT EXISTS order_phone_idx ON orders_order (phone)"]
BACKWARD = ["DROP INDEX IF EXISTS order_phone_idx"]


def run(statements, postgresql_statements):
    def apply(apps, schema_editor):
        is_postgresql = schema_editor.connection.vendor == "postgresql"
        for statement in [*statements, *(postgresql_statements if is_postgresql else [])]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0009_roles_carrier_claims"),
        ("accounts", "0001_initial"),
        ("orders", "0018_recovery_report_covering_index"),
    ]

    operations = [
        migrations.RunPython(
            run(FORWARD, POSTGRESQL_FORWARD), run(BACKWARD, POSTGRESQL_BACKWARD), elidable=False
        )
    ]
