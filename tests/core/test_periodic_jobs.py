"""A beat (or every worker) that stopped shows: on /healthz and on the back-office home."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from config.celery import app
from core.health import CHECKS
from core.models import PeriodicJobRun
from core.periodic_jobs import PERIODIC_JOB_LABELS, periodic_job_ran, periodic_jobs_late

pytestmark = pytest.mark.django_db

EVERY_MINUTE = "orders.payments_expire"
NIGHTLY = "orders.product_sales_refresh"  # 03:30 every day


@pytest.fixture
def with_broker(settings, monkeypatch):
    """Periodic jobs run (there is a broker), watched from now on."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("core.periodic_jobs.WATCHING_SINCE", timezone.now())


def test_a_job_that_ran_on_time_is_not_late(with_broker):
    periodic_job_ran(name=EVERY_MINUTE, at=timezone.now() - timedelta(seconds=50))
    assert periodic_jobs_late() == []


def test_a_job_every_minute_is_late_after_its_minute_and_the_grace(with_broker):
    # given
    ran_at = timezone.now() - timedelta(minutes=4)
    periodic_job_ran(name=EVERY_MINUTE, at=ran_at)
    # when
    late = periodic_jobs_late()
    # then
    assert [(job.name, job.last_run_at) for job in late] == [(EVERY_MINUTE, ran_at)]


def test_a_nightly_job_is_not_late_during_the_day(with_broker):
    last_night = timezone.localtime().replace(hour=3, minute=30)
    if last_night > timezone.now():
        last_night -= timedelta(days=1)
    periodic_job_ran(name=NIGHTLY, at=last_night)
    assert periodic_jobs_late() == []


def test_a_nightly_job_that_missed_a_night_is_late(with_broker):
    periodic_job_ran(name=NIGHTLY, at=timezone.now() - timedelta(days=2))
    assert [job.name for job in periodic_jobs_late()] == [NIGHTLY]


def test_a_job_that_never_ran_is_late_once_its_first_run_is_overdue(with_broker, monkeypatch):
    # given a store started ten minutes ago, at noon, whose beat never sent anything (the
    # nightly job runs at 03:30: a run between 03:30 and 03:42 would find it overdue)
    noon = datetime(2026, 12, 4, 12, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
    monkeypatch.setattr("core.periodic_jobs.WATCHING_SINCE", noon - timedelta(minutes=10))
    # when
    with time_machine.travel(noon, tick=False):
        late = {job.name: job.last_run_at for job in periodic_jobs_late()}
    # then the jobs due every few minutes are late, the nightly one not yet
    assert late[EVERY_MINUTE] is None
    assert NIGHTLY not in late


def test_tasks_that_are_not_periodic_are_not_recorded():
    periodic_job_ran(name="notifications.notification_deliver")
    assert not PeriodicJobRun.objects.exists()


def test_running_a_periodic_task_records_it():
    # when a periodic task runs (in the test, in-process)
    app.tasks[EVERY_MINUTE].delay()
    # then
    assert PeriodicJobRun.objects.get(name=EVERY_MINUTE).last_run_at > timezone.now() - timedelta(minutes=1)


def test_without_a_broker_nothing_runs_periodically_and_nothing_is_late(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    periodic_job_ran(name=EVERY_MINUTE, at=timezone.now() - timedelta(hours=1))
    assert periodic_jobs_late() == []


def test_healthz_lists_late_jobs_and_stays_up(client, with_broker, monkeypatch):
    # given
    monkeypatch.setitem(CHECKS, "broker", lambda: None)
    periodic_job_ran(name=EVERY_MINUTE, at=timezone.now() - timedelta(minutes=10))
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json()["late_periodic_jobs"] == [EVERY_MINUTE]


def test_the_backoffice_home_warns_of_late_jobs(staff_client, with_broker, monkeypatch):
    # given
    monkeypatch.setattr("core.periodic_jobs.WATCHING_SINCE", timezone.now() - timedelta(minutes=10))
    periodic_job_ran(name=EVERY_MINUTE, at=timezone.now() - timedelta(minutes=10))
    # when
    page = staff_client(Role.MANAGER).get(reverse("backoffice:home")).content.decode()
    # then
    assert 'data-testid="late-jobs"' in page
    assert str(PERIODIC_JOB_LABELS[EVERY_MINUTE]) in page


def test_every_periodic_job_has_a_name_staff_read():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(PERIODIC_JOB_LABELS) == set()
