"""Every topic starts in the first-level queue with its own tag, and urgency sets the
priority of the same name; a manager points a topic at another queue in the admin."""

from django.db import migrations

TOPIC_TAGS = {
    "delivery": "entrega",
    "payment": "pagamento",
    "product_defect": "defeito",
    "return_exchange": "troca-devolucao",
    "order_change": "alteracao-pedido",
    "other": "",
}
URGENCY_PRIORITIES = {"normal": "normal", "high": "high", "urgent": "urgent"}


def default_routes_create(apps, schema_editor):
    TicketQueue = apps.get_model("support", "TicketQueue")
    TopicRoute = apps.get_model("triage", "TopicRoute")
    UrgencyRoute = apps.get_model("triage", "UrgencyRoute")
    queue = TicketQueue.objects.filter(code="sac").first()
    if queue is not None:
        for topic, tag in TOPIC_TAGS.items():
            TopicRoute.objects.get_or_create(topic=topic, defaults={"queue": queue, "tag": tag})
    for urgency, priority in URGENCY_PRIORITIES.items():
        UrgencyRoute.objects.get_or_create(urgency=urgency, defaults={"priority": priority})


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial"), ("support", "0002_default_queues")]

    operations = [migrations.RunPython(default_routes_create, migrations.RunPython.noop)]
