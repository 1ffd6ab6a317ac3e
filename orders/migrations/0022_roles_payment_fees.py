"""Managers set what the payment provider keeps per method."""

from django.db import migrations

from backoffice.roles import roles_grant

PAYMENT_FEES = {
    "orders.view_paymentfee",
    "orders.add_paymentfee",
    "orders.change_paymentfee",
    "orders.delete_paymentfee",
}


def grant(apps, schema_editor) -> None:
    roles_grant(apps, {"Manager": PAYMENT_FEES})


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0021_margin_costs_fees_and_kpi_indexes"),
        ("backoffice", "0010_search_indexes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
