import ast
import hmac
import json
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from core.queues import Queue
from inbox.exceptions import NoticeRejected
from inbox.models import WebhookEvent
from inbox.senders import Notice, Outcome, Sender, sender_get, sender_register
from inbox.services import RECONCILE_AFTER, notice_apply, notice_payload, notice_receive, notices_reconcile
from inbox.signatures import body_signature, signature_header

pytestmark = pytest.mark.django_db

APPLIED: list[str] = []


def echo_read(provider: str, body: bytes) -> Notice:
    payload = json.loads(body)
    if payload.get("refuse"):
        raise NoticeRejected("refused by the reader", status=422)
    return Notice(event_id=payload["id"], kind="echo", payload=payload)


def echo_apply(*, event: WebhookEvent) -> Outcome:
    APPLIED.append(event.event_id)
    return Outcome(applied=event.payload.get("useful", True), note="echoed")


ECHO = Sender(
    name="echo",
    secrets_setting="INBOX_TEST_SECRETS",
    read=echo_read,
    apply=echo_apply,
    queue=Queue.DEFAULT,
    max_body_bytes=200,
)


@pytest.fixture(autouse=True)
def echo_sender():
    sender_register(ECHO)
    APPLIED.clear()
    with override_settings(INBOX_TEST_SECRETS={"acme": "s3cret"}):
        yield


SECRET = "s3cret"


def receive(body: bytes, *, secret: str = SECRET, provider: str = "acme") -> WebhookEvent:
    return notice_receive(
        sender="echo",
        provider=provider,
        body=body,
        headers={"X-Signature": signature_header(body=body, secret=secret)},
    )


def test_a_notice_is_stored_once_and_applied_once(django_capture_on_commit_callbacks):
    body = json.dumps({"id": "evt-1"}).encode()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            event = receive(body)
    assert WebhookEvent.objects.get().pk == event.pk
    event.refresh_from_db()
    assert (event.sender, event.provider, event.status, event.note) == ("echo", "acme", "applied", "echoed")
    assert APPLIED == ["evt-1"]


def test_the_same_event_id_from_another_sender_is_another_notice():
    body = json.dumps({"id": "evt-1"}).encode()
    receive(body)
    WebhookEvent.objects.create(sender="other", provider="acme", event_id="evt-1", kind="k", payload={})
    assert WebhookEvent.objects.count() == 2


def test_an_outcome_not_applied_is_recorded_as_ignored(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = receive(json.dumps({"id": "evt-2", "useful": False}).encode())
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.IGNORED


@pytest.mark.parametrize(
    ("provider", "secret", "status"),
    [("nobody", "s3cret", 404), ("acme", "wrong", 400)],
)
def test_unknown_providers_and_bad_signatures_store_nothing(provider, secret, status):
    with pytest.raises(NoticeRejected) as refused:
        receive(json.dumps({"id": "evt-3"}).encode(), secret=secret, provider=provider)
    assert refused.value.status == status
    assert not WebhookEvent.objects.exists()


def test_what_the_reader_refuses_stores_nothing():
    with pytest.raises(NoticeRejected, match="refused by the reader"):
        receive(json.dumps({"id": "evt-4", "refuse": True}).encode())
    assert not WebhookEvent.objects.exists()


def test_the_reconciler_applies_notices_of_every_registered_sender_left_behind(
    django_capture_on_commit_callbacks,
):
    event = receive(json.dumps({"id": "evt-5"}).encode())  # the on-commit task never ran
    WebhookEvent.objects.create(sender="retired", provider="acme", event_id="e", kind="k", payload={})
    assert notices_reconcile() == 0  # too young to be called lost
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_reconcile(now=timezone.now() + RECONCILE_AFTER * 2) == 1
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.APPLIED
    assert notice_apply(event_id=event.pk).status == WebhookEvent.Status.APPLIED
    assert APPLIED == ["evt-5"]


def test_the_webhook_view_refuses_bodies_over_the_senders_limit(client, rf):
    from inbox.views import signed_notice_response

    request = rf.post("/", data=b"x" * 201, content_type="application/json")
    response = signed_notice_response(request, sender="echo", provider="acme")
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_notice_payload_refuses_what_could_never_be_stored():
    assert notice_payload(b'{"id": "a"}') == {"id": "a"}
    for body in (b"[]", b'{"id": 1}', b'{"id": "a\\u0000"}', b"not json", b'{"id": ""}'):
        with pytest.raises(ValueError):
            notice_payload(body)


def test_body_signatures_are_hmac_of_the_raw_body():
    assert body_signature(body=b"{}", secret="k") == "sha256=" + hmac.new(b"k", b"{}", "sha256").hexdigest()


def test_the_store_registers_its_senders():
    assert sender_get("payment").queue == Queue.PAYMENTS
    assert sender_get("carrier").queue == Queue.LOGISTICS


def test_the_inbox_imports_no_app_above_it():
    allowed = {"core", "inbox"}
    for path in Path("inbox").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                assert top in allowed or top in {
                    "django",
                    "celery",
                    "collections",
                    "dataclasses",
                    "datetime",
                    "typing",
                    "json",
                    "hashlib",
                    "hmac",
                    "time",
                    "__future__",
                }, (path, node.module)


def test_no_app_borrows_another_apps_sender():
    # Carriers, email and WhatsApp plug into the inbox; none goes through the payments' code.
    for app in ("logistics", "support"):
        for path in Path(app).rglob("*.py"):
            source = path.read_text()
            assert "orders.services.notices" not in source, path
            assert "orders.views" not in source, path
