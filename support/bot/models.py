"""The service bot's conversations: one per WhatsApp number and one per storefront chat, with
the step it is at, the order the person proved is theirs, the failed proofs and when they last
wrote; and every line said on WhatsApp, kept in order for the agent who takes over."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Conversation(TimeStampedModel):
    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        ACTIVE = "active", _("With the bot")
        HANDED_OVER = "handed_over", _("Handed to a person")

    class Step(models.TextChoices):
        MENU = "menu", _("Menu")
        ORDER_NUMBER = "order_number", _("Asked for the order number")
        CPF = "cpf", _("Asked for the CPF")

    class Topic(models.TextChoices):
        TRACKING = "tracking", _("Where is my order")
        PAYMENT = "payment", _("Boleto or Pix code")
        RETURN = "return", _("How to return")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.MENU)
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices, blank=True)
    phone = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    chat = models.OneToOneField(
        "support.ChatSession",
        verbose_name=_("chat"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bot_conversation",
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, default="pt-br")
    # The order number given while the CPF is asked for, and the order once proven theirs.
    order_number_given = models.CharField(_("order number given"), max_length=40, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("proven order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    failed_proofs = models.PositiveSmallIntegerField(_("failed proofs"), default=0)
    misunderstood = models.PositiveSmallIntegerField(_("messages not understood in a row"), default=0)
    started_at = models.DateTimeField(_("started at"))
    last_activity_at = models.DateTimeField(_("last activity"))
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    ticket = models.ForeignKey(
        "support.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bot conversation")
        verbose_name_plural = _("bot conversations")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["status", "last_activity_at"], name="bot_conversation_activity_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(channel="whatsapp"), name="bot_conversation_one_per_number"
            ),
            models.CheckConstraint(
                condition=(Q(channel="whatsapp") & ~Q(phone="") & Q(chat__isnull=True))
                | (Q(channel="chat") & Q(chat__isnull=False)),
                name="bot_conversation_has_its_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.phone or self.chat_id} ({self.get_status_display()})"


CONVERSATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Conversation.Status.ACTIVE: frozenset({Conversation.Status.HANDED_OVER}),
    # A WhatsApp number whose ticket is over talks to the bot again; a chat waits for its agent.
    Conversation.Status.HANDED_OVER: frozenset({Conversation.Status.ACTIVE}),
}


class Line(models.Model):
    """One message of a WhatsApp conversation with the bot: the customer's, or the bot's with
    the notification it went out as. (A chat's lines are its own chat messages.)"""

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="lines"
    )
    from_customer = models.BooleanField(_("from the customer"))
    body = models.TextField(_("text"))
    external_id = models.CharField(_("channel message id"), max_length=120, blank=True)
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("sent as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bot_line",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bot conversation line")
        verbose_name_plural = _("bot conversation lines")
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="bot_line_conversation_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="bot_line_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {'customer' if self.from_customer else 'bot'}"


class ProofFailure(models.Model):
    """A wrong order number and CPF pair, kept for an hour under a digest of each, so that
    guessing across conversations (a new chat each time) meets the same limit as in one."""

    key = models.CharField(_("digest of the number or CPF tried"), max_length=64)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed proof")
        verbose_name_plural = _("failed proofs")
        ordering = ["pk"]
        indexes = [models.Index(fields=["key", "created_at"], name="bot_proof_failure_key_idx")]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.created_at:%Y-%m-%d %H:%M}"
