"""The store keeps selling while Redis is down: a real redis-server of the test's own, on a
port of its own, serves as cache and broker and is stopped in the middle of the test."""

import logging
import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from config.settings import redis_cache
from core.log_throttle import RepeatThrottle
from orders.models import Order, Payment
from storefront.catalog.cache import catalog_version_bump, catalog_version_bumps_owed_pay
from storefront.catalog.models import CatalogVersionBumpOwed
from storefront.catalog.services import variant_save
from support.notifications.models import Notification
from support.notifications.services import RECONCILE_AFTER, notification_reconcile
from tests.checkout.test_checkout_views import place, shopper, to_review, variant  # noqa: F401

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert self.process.poll() is None, "redis-server did not start"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.02)  # polling for the server to listen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def throwaway_redis():
    if not shutil.which("redis-server"):
        reason = "needs redis-server on the PATH"
        if os.environ.get("STORE_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = ThrowawayRedis()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_cache_settings(settings, throwaway_redis):
    settings.CACHES = {"default": redis_cache(throwaway_redis.url)}
    settings.STORE_PAGE_CACHE_SECONDS = 600
    return throwaway_redis


@pytest.fixture
def redis_broker(throwaway_redis):
    """Tasks go to the throwaway Redis, as in production, instead of running in the test."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=throwaway_redis.url, task_always_eager=False)
    app._pool, app.amqp._producer_pool = None, None
    yield throwaway_redis
    app.conf.update(saved)
    app._pool, app.amqp._producer_pool = None, None


def test_catalog_pages_are_served_uncached_while_the_cache_is_down(client, variant, redis_cache_settings):  # noqa: F811
    # given pages that were cached while Redis ran
    product = variant.product
    urls = [
        reverse("catalog:home"),
        product.category.get_absolute_url(),
        product.get_absolute_url(),
        reverse("catalog:search") + "?q=lumin%C3%A1ria",
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get(urls[0])["X-Cache"] == "hit"
    # when Redis stops
    redis_cache_settings.stop()
    responses = [client.get(url) for url in urls]
    # then every page still renders, uncached
    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert not any(response.has_header("X-Cache") for response in responses)
    assert "Luminária de mesa" in responses[2].content.decode()
    assert client.get("/healthz").status_code == 503


def test_an_order_placed_while_the_broker_is_down_shows_its_pix_code_and_the_email_follows(
    shopper,  # noqa: F811
    redis_broker,
    django_capture_on_commit_callbacks,
):
    # given a shopper at the review step, and the broker gone
    to_review(shopper)
    redis_broker.stop()
    # when they place the order
    with django_capture_on_commit_callbacks(execute=True):
        response = place(shopper)
    # then they land on the confirmation with the payment instructions
    order = Order.objects.get()
    payment = order.payments.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("checkout:order-confirmation", args=[order.number]))
    page = shopper.get(response.url).content.decode()
    assert payment.method == Payment.Method.PIX
    assert payment.pix_code in page
    # and the email waits in the database for its reconciler, which sends it within minutes
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING
    assert mail.outbox == []
    app.conf.task_always_eager = True  # the broker is back
    Notification.objects.update(updated_at=timezone.now() - RECONCILE_AFTER - timedelta(seconds=1))
    notification_reconcile()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert timedelta(minutes=5) >= RECONCILE_AFTER
    [email] = mail.outbox
    assert payment.pix_code in email.body


def test_an_outage_is_logged_once_a_minute_not_once_per_call():
    # given
    throttle = RepeatThrottle(seconds=60)
    record = logging.LogRecord("store.cache", logging.ERROR, __file__, 1, "Exception ignored", (), None)
    # when
    passed = [throttle.filter(record) for _ in range(50)]
    # then
    assert passed.count(True) == 1


def test_a_catalog_change_made_while_the_cache_was_unreachable_drops_its_pages_once_it_answers(
    client,
    variant,  # noqa: F811
    redis_cache_settings,
    settings,
    django_capture_on_commit_callbacks,
):
    # given a product page cached while the cache answered
    product = variant.product
    client.get(product.get_absolute_url())
    assert client.get(product.get_absolute_url())["X-Cache"] == "hit"
    # when its price changes while the cache cannot be reached (its data kept)
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{_free_port()}/0")}
    variant.price = Decimal("79.90")
    with django_capture_on_commit_callbacks(execute=True):
        variant_save(variant=variant)
    settings.CACHES = {"default": redis_cache(redis_cache_settings.url)}
    stale = client.get(product.get_absolute_url())
    paid = catalog_version_bumps_owed_pay()
    fresh = client.get(product.get_absolute_url())
    # then the owed drop is paid as soon as the cache answers, and the new price shows
    assert stale["X-Cache"] == "hit"  # what the minute-long wait for the retry costs
    assert paid is True
    assert not CatalogVersionBumpOwed.objects.exists()
    assert not fresh.has_header("X-Cache")
    assert "79,90" in fresh.content.decode()


def test_owed_drops_wait_while_the_cache_is_still_down(settings, throwaway_redis):
    # given
    settings.CACHES = {"default": redis_cache(throwaway_redis.url)}
    throwaway_redis.stop()
    catalog_version_bump()
    # when
    paid = catalog_version_bumps_owed_pay()
    # then
    assert paid is False
    assert CatalogVersionBumpOwed.objects.count() == 1


def test_after_a_failed_connection_the_cache_is_not_asked_again_for_a_few_seconds(settings, monkeypatch):
    # given a cache whose server does not answer
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{_free_port()}/0")}
    attempts = []
    connect = redis.Connection.connect
    monkeypatch.setattr(redis.Connection, "connect", lambda self: attempts.append(1) or connect(self))
    # when a page asks it several things
    answers = [cache.get(f"key-{number}") for number in range(10)]
    # then only the first call waited for a connection
    assert answers == [None] * 10
    assert len(attempts) == 1
