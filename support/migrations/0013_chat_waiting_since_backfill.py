"""Chats already waiting wait since they began, or since the service bot handed them over;
those the bot is still answering wait for nobody."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    chat_model = apps.get_model("support", "ChatSession")
    conversation_model = apps.get_model("bot", "Conversation")
    waiting = chat_model.objects.filter(status="waiting")
    of_chat = conversation_model.objects.filter(chat_id=OuterRef("pk"))
    waiting.filter(bot_conversation__isnull=True).update(waiting_since=F("created_at"))
    waiting.filter(bot_conversation__status="handed_over").update(
        waiting_since=Subquery(of_chat.values("handed_over_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0012_chat_waiting_since"), ("bot", "0002_proof_failures")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
