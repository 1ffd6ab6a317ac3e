"""Which periodic jobs ran, and which are late: a beat that stopped sends nothing, so
nothing fails and nobody would notice without this."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule
from celery.schedules import schedule as celery_schedule
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PeriodicJobRun

# What each periodic task does, as the back office names a late one to staff.
PERIODIC_JOB_LABELS = {
    "notifications.notification_reconcile": _("Resending messages stuck on their way"),
    "catalog.catalog_version_bumps_owed_pay": _("Refreshing store pages cached during a cache outage"),
    "catalog.stock_alerts_reconcile": _("Back-in-stock emails"),
    "catalog.search_words_rebuild": _("Words for search corrections"),
    "inventory.lots_expired_sync": _("Setting aside expired lots"),
    "inventory.replenishment_notify": _("Low stock alerts"),
    "cart.carts_abandoned_record": _("Recording abandoned carts"),
    "recovery.recovery_reminders_send_due": _("Sales recovery reminders"),
    "orders.payments_settle_reconcile": _("Payments still to confirm"),
    "orders.orders_stock_recheck": _("Orders waiting for stock"),
    "orders.refunds_reconcile": _("Refunds still to make"),
    "orders.orders_analyse_reconcile": _("Paid orders still to analyse"),
    "orders.orders_unpaid_cancel": _("Cancelling orders no card paid"),
    "orders.payments_expire": _("Expiry of unpaid Pix and boletos"),
    "inbox.notices_reconcile": _("Notices received but not applied"),
    "support.tickets_sla_watch": _("Ticket deadlines"),
    "support.delivery_incident_tickets_open": _("Tickets for delivery incidents"),
    "support.chats_unanswered_to_tickets": _("Unanswered chats to tickets"),
    "bot.conversations_expire": _("Closing idle bot conversations"),
    "support.tickets_close_resolved": _("Closing resolved tickets"),
    "support.return_tickets_sync": _("Return tickets"),
    "surveys.surveys_send_due": _("Satisfaction surveys after delivery"),
    "surveys.ticket_surveys_reconcile": _("Surveys of resolved tickets"),
    "returns.returns_authorise_reconcile": _("Return authorisations still to issue"),
    "returns.returns_track": _("Return parcel tracking"),
    "returns.returns_expire": _("Expiry of returns never sent"),
    "returns.orders_complete": _("Order completion, when the return window closes"),
    "inventory.reservations_expire": _("Expiry of stock reservations"),
    "logistics.shipments_dispatch_reconcile": _("Shipments still to book with the carrier"),
    "logistics.carrier_claims_reconcile": _("Carrier claims"),
    "logistics.shipments_track": _("Shipment tracking"),
    "logistics.shipments_overdue_alert": _("Late shipment alerts"),
    "orders.product_sales_refresh": _("Best sellers and bought together"),
    "accounts.privacy_retention": _("Anonymising guest data past its retention period"),
    "exports.feed_collect": _("Collecting events for the ERP"),
    "exports.feed_deliver": _("Sending events to the ERP"),
    "exports.feed_reconcile": _("Events for the ERP that were missed"),
    "kpis.kpi_refresh": _("Indicators' daily figures"),
}

# A job counts as late once it is this far past when it was next due.
LATE_AFTER = timedelta(minutes=2)


# Jobs that never ran count from when this process started: a fresh deploy without beat
# shows within minutes for jobs that run every minute, a day later for nightly ones.
WATCHING_SINCE = timezone.now()


@dataclass(frozen=True)
class LateJob:
    name: str
    last_run_at: datetime | None  # None: never ran

    @property
    def label(self) -> str:
        return str(PERIODIC_JOB_LABELS.get(self.name, self.name))


def _scheduled_jobs() -> dict[str, BaseSchedule]:
    """Each periodic task's schedule, by task name (plain seconds become a schedule)."""
    jobs = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        every = entry["schedule"]
        jobs[entry["task"]] = every if isinstance(every, BaseSchedule) else celery_schedule(every)
    return jobs


def periodic_job_ran(*, name: str, at: datetime | None = None) -> None:
    """Record that a periodic job ran; other tasks are ignored."""
    if name not in _scheduled_jobs():
        return
    at = at or timezone.now()
    if PeriodicJobRun.objects.filter(name=name).update(last_run_at=at):
        return
    try:
        with transaction.atomic():
            PeriodicJobRun.objects.create(name=name, last_run_at=at)
    except IntegrityError:  # another worker recorded it first
        PeriodicJobRun.objects.filter(name=name).update(last_run_at=at)


def periodic_jobs_late(*, now: datetime | None = None) -> list[LateJob]:
    """Jobs late past their schedule, counted from their last successful run, or from when
    this process started for jobs that never ran. Without a broker (the demo's eager mode)
    nothing runs periodically, so nothing is late."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    now = now or timezone.now()
    jobs = _scheduled_jobs()
    last_runs = dict(PeriodicJobRun.objects.filter(name__in=jobs).values_list("name", "last_run_at"))
    late = []
    for name, job in sorted(jobs.items()):
        last_run_at = last_runs.get(name)
        due_at = job.now() + job.remaining_estimate(last_run_at or WATCHING_SINCE)
        if now - due_at > LATE_AFTER:
            late.append(LateJob(name=name, last_run_at=last_run_at))
    return late
