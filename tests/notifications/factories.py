import factory
from factory.django import DjangoModelFactory

from support.notifications.models import Notification
from tests.accounts.factories import UserFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.WELCOME
    recipient = factory.SubFactory(UserFactory)
    to_address = factory.LazyAttribute(lambda notification: notification.recipient.email)
    language = "pt-br"
    subject = "Bem-vindo"
    body_text = "Olá!"
    dedup_key = factory.Sequence(lambda n: f"test:{n}")

    class Params:
        failed = factory.Trait(status=Notification.Status.FAILED, attempts=7, last_error="Connection refused")
