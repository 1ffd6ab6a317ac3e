"""Satisfaction surveys: NPS (0-10) some days after an order is delivered, CSAT (1-5) when a
ticket is resolved. One survey per order or ticket; the first score counts; a low score
opens a follow-up ticket, once."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

# Promoters give 9 or 10, detractors 0 to 6 (the NPS convention); a CSAT of 1 or 2 is low.
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
CSAT_LOW_UP_TO = 2
SCALES = {"nps": (0, 10), "csat": (1, 5)}
ASPECT_SCALE = (1, 5)


class SurveyPolicy(TimeStampedModel):
    """When surveys go out; managers set it in the admin (one row, defaults until saved)."""

    days_after_delivery = models.PositiveSmallIntegerField(
        _("days after delivery"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_(
            "The survey of an order goes out this many days after its last parcel is delivered "
            "(0: at the next run of the job)."
        ),
    )
    nps_enabled = models.BooleanField(_("ask after delivery"), default=True)
    csat_enabled = models.BooleanField(_("ask after a ticket is resolved"), default=True)

    class Meta:
        verbose_name = _("survey policy")
        verbose_name_plural = _("survey policy")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(_("Surveys %(days)s days after delivery") % {"days": self.days_after_delivery})


class Survey(TimeStampedModel):
    class Kind(models.TextChoices):
        NPS = "nps", _("After delivery (NPS 0-10)")
        CSAT = "csat", _("After a ticket (CSAT 1-5)")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT, editable=False
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    ticket = models.ForeignKey(
        "support.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    # Who may answer when signed in; a guest's order is answered through its signed link alone.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    # Kept when sent, for the results: who delivered the order, who worked the ticket.
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("sent as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey",
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    product_score = models.PositiveSmallIntegerField(_("product"), null=True, blank=True)
    delivery_score = models.PositiveSmallIntegerField(_("delivery time"), null=True, blank=True)
    packaging_score = models.PositiveSmallIntegerField(_("packaging"), null=True, blank=True)
    details_at = models.DateTimeField(_("comment given at"), null=True, blank=True)
    follow_up_ticket = models.OneToOneField(
        "support.Ticket",
        verbose_name=_("follow-up ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_of",
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "answered_at"], name="survey_answered_idx"),
            models.Index(fields=["answered_at"], condition=~Q(comment=""), name="survey_comment_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(kind="nps"), name="survey_once_per_order"),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(kind="csat"), name="survey_once_per_ticket"
            ),
            models.CheckConstraint(
                condition=Q(kind="nps", order__isnull=False) | Q(kind="csat", ticket__isnull=False),
                name="survey_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(kind="nps", score__lte=10)
                | Q(kind="csat", score__gte=1, score__lte=5),
                name="survey_score_on_its_scale",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", score__isnull=True, answered_at__isnull=True)
                | Q(status="answered", score__isnull=False, answered_at__isnull=False),
                name="survey_answered_has_score",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__isnull": True})
                    | Q(**{f"{aspect}__gte": ASPECT_SCALE[0], f"{aspect}__lte": ASPECT_SCALE[1]}),
                    name=f"survey_{aspect}_on_scale",
                )
                for aspect in ("product_score", "delivery_score", "packaging_score")
            ),
        ]

    def __str__(self) -> str:
        subject = self.order_id if self.kind == self.Kind.NPS else self.ticket_id
        return f"{self.get_kind_display()} #{subject}"

    @property
    def scale(self) -> range:
        low, high = SCALES[self.kind]
        return range(low, high + 1)

    @property
    def is_answered(self) -> bool:
        return self.status == self.Status.ANSWERED

    @property
    def is_low(self) -> bool:
        """A detractor's NPS or a low CSAT: someone follows it up."""
        if self.score is None:
            return False
        return self.score <= (DETRACTOR_UP_TO if self.kind == self.Kind.NPS else CSAT_LOW_UP_TO)


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    Survey.Status.SENT: frozenset({Survey.Status.ANSWERED}),
    Survey.Status.ANSWERED: frozenset(),
}
