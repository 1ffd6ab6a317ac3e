from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Sequence(models.Model):
    """A named counter handing out numbers without gaps (order numbers, invoice numbers).

    `core.sequences.sequence_next` takes the next number under a row lock, inside the
    caller's transaction: a rolled-back transaction gives its number back.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class PeriodicJobRun(models.Model):
    """When each periodic job last ran, written by the worker that ran it: a job late for
    longer than its schedule means beat or every worker has stopped."""

    name = models.CharField(_("task"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.last_run_at:%Y-%m-%d %H:%M}"


class StoreHoliday(models.Model):
    """A day the store closes besides the national and state holidays (the city's anniversary,
    a collective holiday): no business hours, no business day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("store holiday")
        verbose_name_plural = _("store holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class OpeningHours(models.Model):
    """When the store's service is open on a weekday; a weekday without a row is closed.
    Service-level targets count only these hours."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="opening_hours_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
