"""Which periodic jobs ran, and which are late: a beat that stopped sends nothing, so
nothing fails and nobody would notice without this."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule
from celery.schedules import schedule as celery_schedule
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import PeriodicJobRun

# A job counts as late once it is this far past when it was next due.
LATE_AFTER = timedelta(minutes=2)


# Jobs that never ran count from when this process started: a fresh deploy without beat
# shows within minutes for jobs that run every minute, a day later for nightly ones.
WATCHING_SINCE = timezone.now()


@dataclass(frozen=True)
class LateJob:
    name: str
    last_run_at: datetime | None  # None: never ran


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
