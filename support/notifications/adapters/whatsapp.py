"""WhatsApp through a Cloud-API-style provider: free text within 24 hours of the customer's
last message (the customer-service window), approved templates at any time, and media the
customer sent, fetched by id."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from support.notifications.models import SandboxWhatsAppMessage

SERVICE_WINDOW = timedelta(hours=24)
# Templates the provider approved, by name and language: what they say, {{1}}, {{2}}... filled in.
APPROVED_TEMPLATES = {
    "order_update": {
        "pt-br": "{{1}}. Veja os detalhes em {{2}}",
        "en": "{{1}}. See the details at {{2}}",
    },
    "ticket_update": {
        "pt-br": "Olá! Há novidades sobre o seu atendimento, protocolo {{1}}. "
        "Responda a esta mensagem para continuar a conversa ou acompanhe em {{2}}",
        "en": "Hello! There is news about your request, protocol {{1}}. "
        "Reply to this message to continue the conversation, or follow it at {{2}}",
    },
    "satisfaction_survey": {
        "pt-br": "Olá, {{1}}! Como foi a sua compra {{2}}? Dê a sua nota de 0 a 10 em {{3}}",
        "en": "Hello, {{1}}! How was your order {{2}}? Rate it from 0 to 10 at {{3}}",
    },
    "ticket_survey": {
        "pt-br": "Olá, {{1}}! Como foi o nosso atendimento no protocolo {{2}}? Dê a sua nota em {{3}}",
        "en": "Hello, {{1}}! How did we do on your request {{2}}? Rate us at {{3}}",
    },
    "sales_recovery": {
        "pt-br": "Olá, {{1}}! {{2}} Continue de onde parou em {{3}} "
        "(para não receber mais lembretes, responda SAIR)",
        "en": "Hello, {{1}}! {{2}} Pick up where you left off at {{3}} "
        "(to get no more reminders, reply STOP)",
    },
}


class WhatsAppUnavailable(Exception):
    """The provider could not take the message now; sending is retried."""


class WhatsAppRefused(Exception):
    """The provider refused the message for good (outside the window, unknown number)."""


def template_text(*, name: str, language: str, parameters: list[str]) -> str:
    """The approved template's words with its parameters, as the customer reads them."""
    texts = APPROVED_TEMPLATES[name]
    text = texts.get(language.lower(), texts["pt-br"])
    for index, value in enumerate(parameters, start=1):
        text = text.replace(f"{{{{{index}}}}}", value)
    return text


class WhatsAppGateway:
    def send_text(self, *, to: str, body: str) -> str:
        """Send free text; return the provider's message id. Raises WhatsAppRefused outside
        the customer-service window, WhatsAppUnavailable when it cannot answer."""
        raise NotImplementedError

    def send_template(self, *, to: str, name: str, language: str, parameters: list[str]) -> str:
        raise NotImplementedError

    def media_download(self, *, media_id: str) -> tuple[bytes, str]:
        """The content and type of media a customer sent. Raises WhatsAppUnavailable."""
        raise NotImplementedError


class SandboxWhatsApp(WhatsAppGateway):
    """Behaves like the real provider, with its books in the database: numbers ending in 0000
    are unreachable (the provider answers 503), free text outside the window is refused."""

    name = "sandbox"

    def _check(self, to: str) -> None:
        if to.endswith("0000"):
            raise WhatsAppUnavailable(f"provider unavailable for {to}")

    def _record(self, *, to: str, body: str, template: str = "") -> str:
        message_id = f"wamid.sandbox.{secrets.token_hex(12)}"
        SandboxWhatsAppMessage.objects.create(
            direction=SandboxWhatsAppMessage.Direction.TO_CUSTOMER,
            phone=to,
            message_id=message_id,
            body=body,
            template=template,
        )
        return message_id

    def send_text(self, *, to: str, body: str) -> str:
        self._check(to)
        last = (
            SandboxWhatsAppMessage.objects.filter(
                phone=to, direction=SandboxWhatsAppMessage.Direction.FROM_CUSTOMER
            )
            .values_list("created_at", flat=True)
            .first()
        )
        if last is None or timezone.now() - last > SERVICE_WINDOW:
            raise WhatsAppRefused("131047: more than 24 hours since the customer last wrote")
        return self._record(to=to, body=body)

    def send_template(self, *, to: str, name: str, language: str, parameters: list[str]) -> str:
        self._check(to)
        if name not in APPROVED_TEMPLATES:
            raise WhatsAppRefused(f"132001: template {name} does not exist")
        return self._record(
            to=to, body=template_text(name=name, language=language, parameters=parameters), template=name
        )

    def media_download(self, *, media_id: str) -> tuple[bytes, str]:
        message = SandboxWhatsAppMessage.objects.filter(message_id=media_id, media__isnull=False).first()
        if message is None:
            raise WhatsAppRefused(f"media {media_id} not found")
        return bytes(message.media), message.media_type


def whatsapp_gateway() -> WhatsAppGateway:
    return import_string(settings.STORE_WHATSAPP_GATEWAY)()


def is_window_open(*, last_customer_message_at, now=None) -> bool:
    """Whether free text may still be sent: the customer wrote within the last 24 hours."""
    return (
        last_customer_message_at is not None
        and (now or timezone.now()) - last_customer_message_at < SERVICE_WINDOW
    )
