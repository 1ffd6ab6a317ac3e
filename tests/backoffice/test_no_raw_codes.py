"""No raw code reaches a staff page: in a store with activity (orders through payment,
analysis, hold, fulfilment, returns, tickets), every back-office page each role opens shows
words for people, never identifiers such as `cpf_shared` or `job:risk_analysis`."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse

from backoffice.roles import ROLE_PERMISSIONS
from backoffice.urls import STAFF_URLS
from core.actor import Actor
from inventory.models import StockCount, Transfer
from logistics.models import PickList, Shipment
from orders.models import Order, Refund
from orders.services.risk import order_analyse
from storefront.accounts.erasure import erasure_request_carry_out, erasure_request_create
from support.services.chat import chat_start
from tests.accounts.factories import UserFactory
from tests.inventory.factories import WarehouseFactory, purchase_order
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory, sandbox_pix
from tests.recovery.factories import lost_order
from tests.returns.factories import ask_return, delivered_order
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# What may look like code and is not shown as words: addresses, links and emails.
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|/\S*")
INVISIBLE = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    """The text a person reads on a page: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in INVISIBLE:
            self.hidden += 1

    def handle_endtag(self, tag) -> None:
        if tag in INVISIBLE and self.hidden:
            self.hidden -= 1

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def raw_codes(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = NOT_WORDS.sub(" ", " ".join(parser.parts))
    return set(SNAKE_CASE.findall(text))


def seeded_store(capture) -> dict[str, list[str]]:
    """A store that has worked a while; returns the detail pages to read, by URL name."""
    # orders through payment and analysis: one delivered (picked, packed, shipped, tracked)
    # and returned; others held by the analysis for fraud and for registration data
    delivered = delivered_order(capture)
    with capture(execute=True):
        request = ask_return(delivered)
    OrderFactory(cpf=delivered.cpf, email="outra@example.com.br")  # the CPF used by someone else
    held = []
    for fields in (
        {"email": "comprador@mailinator.com", "cpf": delivered.cpf},
        {"phone": "0000", "full_name": "Ana"},
    ):
        order = OrderFactory(status=Order.Status.PAID, customer=UserFactory(), **fields)
        with capture(execute=True), transaction.atomic():
            order_analyse(order_id=order.pk)
        held.append(order)
    pix = sandbox_pix()
    lost = lost_order(order=OrderFactory(customer=UserFactory()))
    Refund.objects.create(
        order=delivered,
        source="return:seed",
        method=Refund.Method.STORE_CREDIT,
        amount=Decimal("10.00"),
        status=Refund.Status.FAILED,
        last_error="GatewayUnavailable",
    )
    # tickets, messages, a chat, stock work
    ticket = open_ticket(customer=delivered.customer)
    # an erasure request that waits for the held order, with its reasons and events
    erasure = erasure_request_carry_out(
        request_id=erasure_request_create(user=held[0].customer).pk, actor=Actor.job("privacy_erase")
    )
    NotificationFactory(failed=True)
    chat = chat_start(name="Rita", email="rita@example.com.br", body="Oi, meu pedido?")
    purchase = purchase_order()
    staff = "staff:estoque@loja.example"
    count = StockCount.objects.create(warehouse=WarehouseFactory(), created_by=staff)
    Transfer.objects.create(
        source=WarehouseFactory(), destination=WarehouseFactory(shop=True), created_by=staff
    )
    shipment = Shipment.objects.get(order=delivered)
    pick_list = PickList.objects.order_by("pk").first()
    orders = [delivered, *held, pix.order, lost.order]
    return {
        "order-workspace": [order.number for order in orders],
        "shipment-detail": [shipment.number],
        "shipment-label": [shipment.number],
        "return-detail": [request.number],
        "ticket-desk-detail": [ticket.protocol],
        "customer-detail": [order.customer_id for order in orders if order.customer_id],
        "stock-item": [line.variant_id for line in delivered.lines.all()],
        "pick-list": [pick_list.number],
        "stock-count-detail": [count.pk],
        "purchase-order-receive": [purchase.pk],
        "recovery-call-detail": [lost.pk],
        "chat-detail": [chat.pk],
        "erasure-request-detail": [erasure.pk],
    }


# Lists as staff filter them.
FILTERED = {
    "hold-queue": [{"reason": reason} for reason in Order.HoldReason.values] + [{"q": "Ana"}],
    "notification-list": [{"status": "failed"}],
    "customer-list": [{"q": "a"}],
}


def pages_for(permissions: frozenset[str], details: dict[str, list]) -> list[str]:
    """Every page a role may open: the lists (as filtered too) and the details of the seed."""
    pages = []
    for route, _view, name, permission in STAFF_URLS:
        if permission and permission not in permissions:
            continue
        if name in details:
            kwarg = re.search(r"<(?:\w+:)?(\w+)>", route).group(1)
            pages += [reverse(f"backoffice:{name}", kwargs={kwarg: value}) for value in details[name]]
        elif "<" not in route:
            pages.append(reverse(f"backoffice:{name}"))
            pages += [f"{reverse(f'backoffice:{name}')}?{query}" for query in _queries(name)]
    return pages


def _queries(name: str) -> list[str]:
    from urllib.parse import urlencode

    return [urlencode(query) for query in FILTERED.get(name, [])]


def test_no_back_office_page_shows_a_raw_code(client, make_staff, django_capture_on_commit_callbacks):
    # given a store with activity
    details = seeded_store(django_capture_on_commit_callbacks)
    found: dict[str, set[str]] = {}
    # when every role opens every page it may
    for role, permissions in ROLE_PERMISSIONS.items():
        client.force_login(make_staff(role))
        for url in pages_for(permissions, details):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            if codes := raw_codes(response.content.decode()):
                found.setdefault(url, set()).update(codes)
    # then no page shows an identifier in snake_case
    report = "\n".join(f"{url}: {', '.join(sorted(codes))}" for url, codes in sorted(found.items()))
    assert found == {}, report


def test_every_job_of_the_store_has_a_name_for_staff():
    from pathlib import Path

    from core.actor import JOB_LABELS

    root = Path(__file__).resolve().parents[2]
    sources = [
        path
        for path in root.rglob("*.py")
        if not {".venv", "tests", "bench", "node_modules"} & set(path.relative_to(root).parts)
    ]
    jobs = {name for path in sources for name in re.findall(r'Actor\.job\("(\w+)"\)', path.read_text())}
    assert jobs - set(JOB_LABELS) == set()


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("job:risk_analysis", "Risk analysis (automatic)"),
        ("staff:ana@loja.example", "ana@loja.example"),
        ("customer:guest", "Customer (guest)"),
        ("customer:rita@example.com.br", "Customer rita@example.com.br"),
        ("job:unknown_job", "The store (automatic)"),
    ],
)
def test_actors_are_named_for_people(label, shown):
    from django.utils import translation

    from core.actor import actor_display

    with translation.override("en"):
        assert actor_display(label) == shown
