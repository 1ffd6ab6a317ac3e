"""Winning back lost sales: the reminder sequences a manager sets per kind of lost sale, the
reminders sent, the people who asked for no more, and the telesales calls. The lost sale
itself, with its progress, is `orders.RecoveryOpportunity`."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from orders.models import RecoveryOpportunity


class RecoveryPolicy(TimeStampedModel):
    """What holds for every sequence; managers set it in the admin (one row)."""

    weekly_limit = models.PositiveSmallIntegerField(
        _("reminders per person per week"),
        default=3,
        help_text=_("Nobody gets more recovery reminders than this in any seven days."),
    )
    give_up_after = models.DurationField(
        _("stop trying after"),
        default=timedelta(days=7),
        help_text=_("Counted from when the sale was lost; the lost sale then leaves the call list."),
    )

    class Meta:
        verbose_name = _("recovery policy")
        verbose_name_plural = _("recovery policy")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(_("Recovery policy"))


class RecoverySequence(TimeStampedModel):
    """The reminders one kind of lost sale gets, in order."""

    kind = models.CharField(_("kind"), max_length=20, choices=RecoveryOpportunity.Kind.choices, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder sequence")
        verbose_name_plural = _("reminder sequences")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class RecoveryStep(TimeStampedModel):
    """One reminder of a sequence: how long after the sale was lost, on which channel, with
    which words (the store's Portuguese, and English for customers who chose it)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp where the customer agreed to it, email otherwise")

    sequence = models.ForeignKey(
        RecoverySequence, verbose_name=_("sequence"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    delay = models.DurationField(
        _("after the sale was lost"), help_text=_("For example 1:00:00 for one hour.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(
        _("message"), help_text=_("A few words above the items and the link; {name} is the first name.")
    )
    subject_en = models.CharField(_("subject in English"), max_length=150, blank=True)
    message_en = models.TextField(_("message in English"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sequence", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="recovery_step_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="recovery_step_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sequence} #{self.position}"

    def words(self, language: str) -> tuple[str, str]:
        """The subject and message in `language`, in Portuguese where no English was written."""
        if language.lower().startswith("en") and self.subject_en and self.message_en:
            return self.subject_en, self.message_en
        return self.subject, self.message


class RecoveryMessage(TimeStampedModel):
    """A reminder sent for a lost sale (once per step), and whether its link was opened."""

    opportunity = models.ForeignKey(
        "orders.RecoveryOpportunity",
        verbose_name=_("lost sale"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    step = models.PositiveSmallIntegerField(_("reminder"))
    # Who it went to, lowercased: the weekly limit counts per person.
    email = models.EmailField(_("email"))
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("sent as"),
        on_delete=models.PROTECT,
        related_name="recovery_message",
    )
    clicked_at = models.DateTimeField(_("link opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "step"], name="recovery_message_once")]
        indexes = [models.Index(fields=["email", "created_at"], name="recovery_message_email_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id} #{self.step}"


class RecoveryOptOut(TimeStampedModel):
    """Someone who asked for no more recovery reminders: the consent record, with how and
    when they asked, and when they took it back."""

    class Source(models.TextChoices):
        LINK = "link", _("The link in a reminder")
        MAIL_CLIENT = "mail_client", _("The unsubscribe button of their email program")
        WHATSAPP = "whatsapp", _("A reply on WhatsApp")
        STAFF = "staff", _("Asked a staff member")

    email = models.EmailField(_("email"), unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(_("asked through"), max_length=20, choices=Source.choices)
    opted_out_at = models.DateTimeField(_("asked for no more at"))
    opted_back_in_at = models.DateTimeField(_("took it back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery opt-out")
        verbose_name_plural = _("recovery opt-outs")
        ordering = ["-opted_out_at", "-pk"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_in_force(self) -> bool:
        return self.opted_back_in_at is None


class RecoveryCall(TimeStampedModel):
    """A telesales call about a lost sale, and how it went."""

    class Outcome(models.TextChoices):
        ORDER_PLACED = "order_placed", _("Placed the order")
        CALL_BACK = "call_back", _("Call back later")
        NO_ANSWER = "no_answer", _("No answer")
        NOT_INTERESTED = "not_interested", _("Not interested")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    opportunity = models.ForeignKey(
        "orders.RecoveryOpportunity",
        verbose_name=_("lost sale"),
        on_delete=models.CASCADE,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    call_back_at = models.DateTimeField(_("call back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery call")
        verbose_name_plural = _("recovery calls")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["opportunity", "created_at"], name="recovery_call_opportunity_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.get_outcome_display()}"
