"""The store's one price policy row (no Pix discount until a manager sets one), which
managers may change."""

from django.db import migrations

from backoffice.roles import roles_grant


def price_policy_create(apps, schema_editor) -> None:
    price_policy = apps.get_model("catalog", "PricePolicy")
    if not price_policy.objects.exists():
        price_policy.objects.create()
    roles_grant(apps, {"Manager": {"catalog.view_pricepolicy", "catalog.change_pricepolicy"}})


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_price_policy"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(price_policy_create, migrations.RunPython.noop)]
