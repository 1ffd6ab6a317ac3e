from django.db import migrations

# Starting weights; managers tune them in the admin.
WEIGHTS = {
    "value_vs_history": 25,
    "first_purchase": 10,
    "region_mismatch": 10,
    "cep_mismatch": 30,
    "cpf_shared": 30,
    "payment_attempts": 25,
    "disposable_email": 30,
    "blocked_address": 60,
    "unusual_quantity": 15,
    "holder_mismatch": 20,
    "provider_high_risk": 50,
}


def risk_defaults(apps, schema_editor):
    RiskPolicy = apps.get_model("orders", "RiskPolicy")
    RiskRule = apps.get_model("orders", "RiskRule")
    if not RiskPolicy.objects.exists():
        RiskPolicy.objects.create(review_at=30, reject_at=80)
    for code, weight in WEIGHTS.items():
        RiskRule.objects.get_or_create(code=code, defaults={"weight": weight})


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_risk_cancellation_telesales")]

    operations = [migrations.RunPython(risk_defaults, migrations.RunPython.noop)]
