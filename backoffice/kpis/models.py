from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class DailyFact(TimeStampedModel):
    """One figure of one São Paulo day: the sum (`total`) and the number (`count`) of what a
    metric measures, for one key (a channel, a method, a histogram bucket; "" for none).

    Rows are written only by `kpi_day_rebuild`, which replaces a whole day at once; the
    dashboards add them up over a range.
    """

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=80)
    key = models.CharField(_("key"), max_length=120, blank=True, default="")
    total = models.DecimalField(_("total"), max_digits=20, decimal_places=4, default=0)
    count = models.BigIntegerField(_("how many"), default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        ordering = ["day", "metric", "key"]
        constraints = [
            models.UniqueConstraint(fields=["day", "metric", "key"], name="kpi_fact_unique"),
        ]
        # Dashboards read a few metrics over a range of days.
        indexes = [models.Index(fields=["metric", "day"], name="kpi_fact_metric_day_idx")]
        permissions = [("view_dashboard", _("Can see the indicator dashboards"))]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}[{self.key}] = {self.total} / {self.count}"
