"""Complaint triage: the stored classifier, the routing table a manager edits, each incoming
message's verdict, each ticket's current triage, and the agents' corrections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from support.models import Priority


class Topic(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    PAYMENT = "payment", _("Payment")
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    RETURN_EXCHANGE = "return_exchange", _("Return or exchange")
    ORDER_CHANGE = "order_change", _("Order change")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TriageModel(models.Model):
    """A trained classifier. The highest version is the one every web node and worker uses;
    each process keeps it loaded until a higher version appears."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    train_size = models.PositiveIntegerField(_("training messages"))
    corrections_used = models.PositiveIntegerField(_("agents' corrections used"), default=0)
    test_size = models.PositiveIntegerField(_("held-out messages"))
    topic_macro_f1 = models.FloatField(_("topic macro-F1"))
    urgency_macro_f1 = models.FloatField(_("urgency macro-F1"))
    # sklearn's classification report on the held-out split, per label ("topic", "urgency").
    metrics = models.JSONField(_("metrics"), default=dict)
    # skops' format: rebuilt trusting only scikit-learn, NumPy and SciPy types.
    artifact = models.BinaryField(_("artifact"))
    digest = models.CharField(_("SHA-256 of the artifact"), max_length=64)
    library_version = models.CharField(_("scikit-learn version"), max_length=20)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.trained_at:%Y-%m-%d %H:%M})"


class TopicRoute(TimeStampedModel):
    """Where tickets of a topic wait, and the tag they carry."""

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, unique=True)
    queue = models.ForeignKey(
        "support.TicketQueue",
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_ombudsman": False},
    )
    tag = models.SlugField(_("tag"), max_length=40, blank=True, allow_unicode=True)

    class Meta:
        verbose_name = _("topic route")
        verbose_name_plural = _("topic routes")
        ordering = ["topic"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.queue}"


class UrgencyRoute(TimeStampedModel):
    """The priority (and so the service-level target) a ticket of an urgency gets."""

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, unique=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)

    class Meta:
        verbose_name = _("urgency route")
        verbose_name_plural = _("urgency routes")
        ordering = ["urgency"]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} → {self.get_priority_display()}"


class Verdict(models.Model):
    """What the classifier said when a customer's message arrived, and why. `reasons` holds
    the words that weighed most for each label, the alarm terms found and the number of
    earlier contacts of the same person."""

    ticket = models.ForeignKey(
        "support.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.OneToOneField(
        "support.Message", verbose_name=_("message"), on_delete=models.CASCADE, related_name="verdict"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    topic_confidence = models.FloatField(_("topic confidence"))
    urgency_confidence = models.FloatField(_("urgency confidence"))
    text_urgency = models.CharField(_("urgency from the text"), max_length=10, choices=Urgency.choices)
    repeat_contacts = models.PositiveIntegerField(_("earlier contacts"), default=0)
    reasons = models.JSONField(_("reasons"), default=dict)
    model_version = models.PositiveIntegerField(_("model version"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="triage_verdict_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.topic}/{self.urgency}"


class TicketTriage(TimeStampedModel):
    """A ticket's current triage: the last verdict (or the agent's correction), and what
    triage itself last set on the ticket. A queue or priority that differs from what triage
    set was changed by a person, and triage leaves it alone."""

    ticket = models.OneToOneField(
        "support.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="triage",
    )
    # What the ticket is taken to be: the model's last verdict, or the agent's correction.
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    # The model's last verdict and its reasons (see Verdict).
    model_topic = models.CharField(_("model's topic"), max_length=20, choices=Topic.choices)
    model_urgency = models.CharField(_("model's urgency"), max_length=10, choices=Urgency.choices)
    topic_confidence = models.FloatField(_("topic confidence"))
    urgency_confidence = models.FloatField(_("urgency confidence"))
    repeat_contacts = models.PositiveIntegerField(_("earlier contacts"), default=0)
    reasons = models.JSONField(_("reasons"), default=dict)
    model_version = models.PositiveIntegerField(_("model version"))
    routed_queue = models.ForeignKey(
        "support.TicketQueue",
        verbose_name=_("queue set by triage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    routed_priority = models.CharField(
        _("priority set by triage"), max_length=10, choices=Priority.choices, blank=True
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket triage")
        verbose_name_plural = _("ticket triages")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.topic}/{self.urgency}"

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None


class Correction(models.Model):
    """An agent said what a ticket is really about: kept as training data for triage_train."""

    ticket = models.ForeignKey(
        "support.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("text"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    predicted_topic = models.CharField(_("predicted topic"), max_length=20, choices=Topic.choices)
    predicted_urgency = models.CharField(_("predicted urgency"), max_length=10, choices=Urgency.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="triage_correction_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.topic}/{self.urgency}"
