"""The reminders a new store starts with, which managers then change in the admin."""

from datetime import timedelta

from django.db import migrations

HOUR = timedelta(hours=1)

SEQUENCES = {
    "abandoned_cart": [
        (
            HOUR,
            "email",
            "Você esqueceu algo no carrinho",
            "Oi, {name}! Os itens que você escolheu ainda estão no seu carrinho, esperando por você.",
            "You left something in your cart",
            "Hi {name}! The items you chose are still in your cart, waiting for you.",
        ),
        (
            24 * HOUR,
            "whatsapp",
            "Seus itens ainda estão disponíveis",
            "{name}, guardamos o seu carrinho, mas o estoque é limitado.",
            "Your items are still available",
            "{name}, we kept your cart, but stock is limited.",
        ),
        (
            72 * HOUR,
            "email",
            "Última lembrança do seu carrinho",
            "{name}, este é o nosso último lembrete: o seu carrinho volta com um clique, "
            "com os preços e o estoque de hoje.",
            "A last reminder of your cart",
            "{name}, this is our last reminder: your cart comes back in one click, "
            "at today's prices and stock.",
        ),
    ],
    "expired_payment": [
        (
            HOUR,
            "email",
            "O prazo do pagamento acabou, mas ainda dá tempo",
            "Oi, {name}! O Pix ou boleto do seu pedido venceu antes do pagamento. "
            "Os itens voltam para o carrinho com um clique para você pagar de novo.",
            "Your payment expired, but there is still time",
            "Hi {name}! The Pix or boleto of your order expired before it was paid. "
            "The items come back to your cart in one click so you can pay again.",
        ),
        (
            24 * HOUR,
            "whatsapp",
            "Seu pedido ainda pode ser seu",
            "{name}, os itens do seu pedido ainda estão disponíveis.",
            "Your order can still be yours",
            "{name}, the items of your order are still available.",
        ),
    ],
    "card_declined": [
        (
            HOUR,
            "email",
            "Seu cartão não foi aprovado",
            "Oi, {name}! O pagamento do seu pedido não foi aprovado pelo cartão. "
            "Você pode tentar com outro cartão, Pix ou boleto.",
            "Your card was not approved",
            "Hi {name}! The card payment of your order was not approved. "
            "You can try another card, Pix or boleto.",
        ),
        (
            24 * HOUR,
            "email",
            "Ainda quer os seus itens?",
            "{name}, os itens do seu pedido continuam disponíveis, com Pix aprovado na hora.",
            "Do you still want your items?",
            "{name}, the items of your order are still available, and Pix is approved at once.",
        ),
    ],
    "cancelled_order": [
        (
            24 * HOUR,
            "email",
            "Ficou alguma dúvida?",
            "Oi, {name}! Vimos que você cancelou o seu pedido. Se quiser os itens de volta, "
            "é só um clique; e se algo não deu certo, responda a esta mensagem.",
            "Was something wrong?",
            "Hi {name}! We saw you cancelled your order. If you want the items back it takes "
            "one click; and if something went wrong, reply to this message.",
        ),
    ],
}


def default_sequences_create(apps, schema_editor):
    sequence_model = apps.get_model("recovery", "RecoverySequence")
    step_model = apps.get_model("recovery", "RecoveryStep")
    apps.get_model("recovery", "RecoveryPolicy").objects.get_or_create(pk=1)
    for kind, steps in SEQUENCES.items():
        sequence, _created = sequence_model.objects.get_or_create(kind=kind)
        for position, (delay, channel, subject, message, subject_en, message_en) in enumerate(steps, start=1):
            step_model.objects.get_or_create(
                sequence=sequence,
                position=position,
                defaults={
                    "delay": delay,
                    "channel": channel,
                    "subject": subject,
                    "message": message,
                    "subject_en": subject_en,
                    "message_en": message_en,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("recovery", "0001_initial")]

    operations = [migrations.RunPython(default_sequences_create, migrations.RunPython.noop)]
