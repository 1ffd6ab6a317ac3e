"""Two web nodes behind nginx, on one PostgreSQL and one Redis: a shopper's session, cart,
checkout and Pix payment cross both nodes, and a product picture uploaded through one node
is shown by both.

The nodes are gunicorn processes with the production settings (as bench/ runs them), nginx
runs deploy/nginx.conf as it is, with its placeholders filled in, and a Celery worker applies
the payment notice and makes the picture's thumbnails. nginx names the node that answered in
`X-Store-Node`."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from bench.storefront_run import BASE_DIR, PRODUCTION_SETTINGS, free_port, gunicorn, outside_environment
from orders.models import Order, Payment
from storefront.catalog.models import ProductImage
from tests.accounts.factories import UserFactory
from tests.browser.test_checkout_journey import checkout_to_payment, review_and_place
from tests.worker.conftest import _isolated_redis_url, _test_database_url

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(autouse=True)
def needs_nginx():
    if not os.access(NGINX, os.X_OK):
        reason = f"needs nginx at {NGINX}: run make test, or apt-get install nginx"
        if os.environ.get("STORE_REQUIRE_SERVICES"):
            pytest.fail(f"STORE_REQUIRE_SERVICES is set but this test {reason}")
        pytest.skip(reason)


def _listening(port: int, deadline: float) -> None:
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def _process(command: list[str], env: dict, log: Path):
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def _nginx(conf: Path, port: int, prefix: Path):
    with _process([NGINX, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"], {}, prefix / "out.log"):
        _listening(port, time.monotonic() + 20)
        yield


@pytest.fixture
def two_nodes():
    """The base URL of nginx in front of two nodes (with their ports) and a worker."""
    shared = Path(tempfile.mkdtemp(prefix="store_nodes_"))
    shared.chmod(0o755)  # nginx's workers read the media as another user
    media, static, prefix = shared / "media", shared / "static", shared / "nginx"
    for directory in (media, prefix):
        directory.mkdir(mode=0o755)
    broker = _isolated_redis_url()
    redis.Redis.from_url(broker).flushdb()
    ports = [free_port(), free_port()]
    listen = free_port()
    env = {
        **outside_environment(),
        **PRODUCTION_SETTINGS,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # The test's own key: the sessions it signs in here must be good on the nodes.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "BENCH_STATIC_ROOT": str(static),
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": broker,
        "CACHE_URL": broker,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "STORE_SITE_URL": f"http://127.0.0.1:{listen}",
        "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_bench",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    conf = prefix / "nginx.conf"
    conf.write_text(
        (BASE_DIR / "deploy" / "nginx.conf")
        .read_text()
        .replace("@NODES@", " ".join(f"server 127.0.0.1:{port};" for port in ports))
        .replace("@LISTEN@", f"127.0.0.1:{listen}")
        .replace("@MEDIA_ROOT@", str(media))
        .replace("@PREFIX@", str(prefix))
    )
    worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
    worker += ["--queues", "default,payments,email,logistics,long", "--without-gossip", "--without-mingle"]
    with ExitStack() as stack:
        for port in ports:
            stack.enter_context(gunicorn("config.wsgi", port, env))
        stack.enter_context(_process(worker, env, shared / "worker.log"))
        stack.enter_context(_nginx(conf, listen, prefix))
        yield f"http://127.0.0.1:{listen}", ports, media
    shutil.rmtree(shared, ignore_errors=True)


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.2)


def _signed_in(context, base_url: str, user) -> None:
    """Sessions live in PostgreSQL: one made here is good on every node."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def test_a_shopper_buys_across_both_nodes_and_a_picture_uploaded_on_one_is_shown_by_both(
    browser, product, two_nodes, tmp_path
):
    base_url, ports, media = two_nodes
    context = browser.new_context(base_url=base_url, locale="pt-BR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    nodes: list[str] = []
    context.on("response", lambda response: nodes.append(response.headers.get("x-store-node", "")))
    page = context.new_page()

    # the shopper's cart and checkout go from node to node, and the order is placed once
    checkout_to_payment(page, product)
    page.get_by_label("Pix").check()
    review_and_place(page)
    expect(page.get_by_test_id("pix-qr")).to_be_visible()
    order = Order.objects.get()
    assert {f"127.0.0.1:{port}" for port in ports} <= set(nodes), nodes

    # the provider's notice reaches whichever node, the worker applies it, the shopper sees it
    staff = browser.new_context(base_url=base_url, locale="pt-BR", viewport={"width": 1366, "height": 900})
    staff.set_default_timeout(15_000)
    _signed_in(staff, base_url, UserFactory(is_staff=True, is_superuser=True))
    desk = staff.new_page()
    desk.goto("/backoffice/payments/sandbox/")
    desk.get_by_role("button", name="Pagar").first.click()
    _wait_for(lambda: Payment.objects.get(order=order).status == Payment.Status.PAID, "the Pix payment")
    page.reload()
    expect(page.get_by_test_id("payment-approved")).to_contain_text("Recebemos")

    # a picture uploaded through one node, its thumbnails made by the worker
    desk.goto(f"/admin/catalog/product/{product.pk}/change/")
    picture = tmp_path / "chaleira.jpg"
    Image.new("RGB", (900, 900), (180, 40, 40)).save(picture)
    desk.locator("input[type=file][name$='-image']").first.set_input_files(picture)
    desk.get_by_role("button", name="Salvar", exact=True).click()
    expect(desk.locator(".messagelist .success")).to_be_visible()
    thumbnailed = ProductImage.objects.filter(product=product).exclude(thumbnails={})
    _wait_for(thumbnailed.exists, "the picture's thumbnails")
    image = ProductImage.objects.get(product=product)
    thumbnail = image.thumbnails["large"]["name"]  # the product page's picture
    assert (media / image.image.name).is_file() and (media / thumbnail).is_file()

    # each node draws its thumbnail on the product page, and nginx serves the files from the
    # shared storage
    for port in ports:
        direct = context.request.get(f"http://127.0.0.1:{port}{product.get_absolute_url()}")
        assert direct.ok and image.image.storage.url(thumbnail) in direct.text(), port
    for url in (image.image.url, image.image.storage.url(thumbnail)):
        served = context.request.get(f"{base_url}{url}")
        assert served.ok and served.headers["content-type"].startswith("image/"), url
    staff.close()
    context.close()
