"""Hostile input never answers 5xx. NUL bytes, lone surrogates, 100 kB values, SQL and HTML
fragments go to every query parameter, URL part and form field of the storefront and the
back office, and into every text of both signed webhooks; any answer is fine but a 5xx.

The pages are found by crawling a small store as a visitor, a customer and a manager: every
link followed (a few pages per URL name), every form read with its default values. Then, for
each hostile value, each query parameter, URL part and form field gets it in turn (the
others left as the page had them), and once all together. Each request runs in a savepoint
rolled back afterwards, so every one meets the same store. CI runs this on PostgreSQL, whose
refusals (NUL, over-long values) were the 500s.
"""

import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backoffice.roles import Role
from backoffice.urls import STAFF_URLS
from core.actor import Actor
from exports.models import FeedEvent
from inbox.models import EVENT_ID_MAX_LENGTH
from inbox.signatures import signature_header
from inventory.models import PurchaseOrder
from inventory.services import stock_count_open, stock_receive, transfer_send
from logistics.models import CarrierService, ShippingRate
from logistics.services import pick_list_create
from orders.locks import lock_payment
from orders.models import Order, Refund
from orders.selectors import order_access_token
from orders.services import payment_mark_expired
from returns.models import ReturnRequest
from returns.services import LineAsk, return_receive, return_request_create
from storefront.accounts.erasure import erasure_request_create
from support.models import Macro
from support.services.chat import chat_start
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.inventory.factories import WarehouseFactory, purchase_order
from tests.logistics.factories import (
    pack,
    picked_order,
    shipment_row,
    shipped_order,
    validated_order,
    warehouse,
)
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import BUYER, OrderFactory, sandbox_pix
from tests.returns.factories import ask_return, delivered_order
from tests.returns.factories import photo as return_photo
from tests.reviews.factories import review_row
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

NUL, LONE_SURROGATE = "\x00", "\ud800"
OVERSIZE = 100_000  # bytes
FRAGMENTS = [
    NUL,
    LONE_SURROGATE,
    "\udfff",
    "' OR '1'='1' --",
    "'; DROP TABLE orders_order; --",
    "1 UNION SELECT password FROM accounts_user",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "%00%27%ED%A0%80",
    "../../../../etc/passwd",
    "\u202e\ufeff\u200b",
    "😀",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "   ",
    "",
]


class Hostile(str):
    """A hostile value that reports itself briefly: 100 kB would drown a failure report."""

    __slots__ = ()

    def __repr__(self) -> str:
        text = str(self)
        return repr(text) if len(text) < 60 else f"{text[:20]!r}... ({len(text)} characters)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # how hypothesis reports it
        printer.text(repr(self))


def oversize(piece: str) -> Hostile:
    return Hostile(piece * (OVERSIZE // len(piece.encode("utf-8", "surrogatepass"))))


HOSTILE = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=10), min_size=1, max_size=4).map("".join),
    st.sampled_from(["x", NUL, "ç", "<b>", "'"]).map(oversize),
).map(Hostile)
CLASSICS = [NUL, LONE_SURROGATE, oversize("ç"), """' OR '1'='1' --"><script>alert(1)</script>"""]


def fuzz(*, random_examples: int, also: tuple[str, ...] = ()):
    """A sweep under hypothesis: the classic cases (and `also`) first, then a few random ones;
    no shrinking (a sweep names every request that failed)."""

    def decorate(test):
        for value in [*CLASSICS, *also]:
            test = example(value=Hostile(value))(test)
        return hypothesis_settings(
            max_examples=random_examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )(given(value=HOSTILE)(test))

    return decorate


def raw(text: str) -> bytes:
    """The bytes a client would send: lone surrogates as the (invalid) UTF-8 they encode to."""
    return text.encode("utf-8", "surrogatepass")


# Reading pages


@dataclass
class Form:
    method: str
    action: str
    names: list[str] = field(default_factory=list)
    defaults: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)
    htmx: bool = False


class PageReader(HTMLParser):
    """Links and forms of a page, forms with the values a browser would send unchanged."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._htmx_actions: list[str] = []
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        if a.get("hx-get"):
            self.links.append(urljoin(self.url, a["hx-get"]))
        if tag == "form":
            is_post = a.get("method", "get").lower() == "post" or "hx-post" in a
            action = a.get("hx-post") or a.get("action") or self.url
            self._form = Form("post" if is_post else "get", urljoin(self.url, action), htmx="hx-post" in a)
            self._htmx_actions = []
            return
        form, name = self._form, a.get("name", "")
        if form is None:
            return
        if a.get("hx-post") and tag != "form":
            self._htmx_actions.append(urljoin(self.url, a["hx-post"]))
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("submit", "button", "image"):
                form.submits.append((name, a.get("value", "")))
            else:
                self._add(name, a.get("value", ""), kind not in ("checkbox", "radio") or "checked" in a)
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.submits.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            name, options, selected = self._select
            self._add(name, (selected or options or [""])[0], True)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea[0], "".join(self._textarea[1]).lstrip("\n"), True)
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self.forms.extend(replace(self._form, action=action, htmx=True) for action in self._htmx_actions)
            self._form = None

    def _add(self, name: str, value: str, sent: bool) -> None:
        assert self._form is not None
        if name not in self._form.names:
            self._form.names.append(name)
        if sent and not any(sent_name == name for sent_name, _value in self._form.defaults):
            self._form.defaults.append((name, value))


def route_of(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


# The store to crawl


@dataclass(repr=False)
class Site:
    """What a crawl found: per client, pages (URL name -> a URL and its query parameter names)
    and the forms on them."""

    clients: dict[str, Client]
    pages: dict[str, dict[str, tuple[str, set[str]]]] = field(default_factory=dict)
    forms: dict[str, list[Form]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Site({sum(map(len, self.pages.values()))} pages, {sum(map(len, self.forms.values()))} forms)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))


# Query parameters views read without a form or a link showing them.
READ_DIRECTLY = {
    "catalog:search": {"q", "page", "sort"},
    "checkout:order-track": {"t"},
    "checkout:order-boleto": {"t"},
    "checkout:order-pay": {"t"},
    "checkout:order-confirmation": {"t"},
    "cart:cart-restore": {"t"},
    "backoffice:customer-list": {"q", "page"},
    "backoffice:notification-list": {"status", "page"},
    "backoffice:hold-queue": {"reason", "page"},
    "backoffice:lots-expiring": {"days"},
    "backoffice:login": {"next"},
    "accounts:login": {"next"},
}
NOT_FOLLOWED = ("/static/", "/media/", "/admin/", "/i18n/", "/account/logout/", "/sitemap")
NOT_FOLLOWED_POSTS = ("/account/logout/",)  # the crawl's own session must last
PAGES_PER_NAME = 2


def form_key(form: Form) -> tuple:
    action = route_of(urlsplit(form.action).path)
    return (
        action.view_name if action else form.action,
        tuple(form.names),
        tuple(form.submits),
        tuple(form.files),
    )


def crawl(
    client: Client, seeds: list[str], covered: set
) -> tuple[dict[str, tuple[str, set[str]]], list[Form]]:
    """Follow links from the seeds; return the pages and forms found that no earlier crawl
    (`covered`, updated) found: a page per URL name with every query parameter seen for it."""
    pages: dict[str, tuple[str, set[str]]] = {}
    seen_per_name: dict[str, int] = {}
    forms: list[Form] = []
    queue, visited = list(seeds), set()

    def page_params(name: str, path: str, params: set[str]) -> None:
        if name in covered and name not in pages:
            return  # an earlier crawl has it
        covered.add(name)
        known_path, known_params = pages.get(name, (path, set()))
        pages[name] = (known_path, known_params | params)

    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if url in visited or parts.netloc not in ("", "testserver") or parts.path.startswith(NOT_FOLLOWED):
            continue
        visited.add(url)
        match = route_of(parts.path)
        if match is None or seen_per_name.get(match.view_name, 0) >= PAGES_PER_NAME:
            continue
        seen_per_name[match.view_name] = seen_per_name.get(match.view_name, 0) + 1
        response = client.get(url)
        page_params(match.view_name, parts.path, {name for name, _value in parse_qsl(parts.query)})
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = PageReader(f"http://testserver{url}")
        reader.feed(response.content.decode())
        for form in reader.forms:
            target = route_of(urlsplit(form.action).path)
            if form.method == "get" and target is not None:
                page_params(target.view_name, urlsplit(form.action).path, set(form.names))
            elif form.method == "post" and form_key(form) not in covered:
                covered.add(form_key(form))
                if urlsplit(form.action).path not in NOT_FOLLOWED_POSTS:
                    forms.append(form)
        for link in reader.links:
            link_parts = urlsplit(link)
            if link_parts.netloc in ("", "testserver"):
                queue.append(link_parts.path + (f"?{link_parts.query}" if link_parts.query else ""))
    for name, params in READ_DIRECTLY.items():
        if name in pages:
            pages[name] = (pages[name][0], pages[name][1] | params)
    return pages, forms


DECLINED_CARD = {
    "installments": "1",
    "card_number": "4000 0000 0000 0002",
    "card_holder": "ANA SOUZA",
    "card_expiry": "12/39",
    "card_cvv": "123",
}


def checkout_to_review(client: Client, *, payment: dict[str, str]) -> None:
    client.get(reverse("cart:cart-detail"))
    details = {**asdict(BUYER), "cep": "69005-070"}
    assert client.post(reverse("checkout:checkout-details"), details).status_code == 302
    response = client.post(reverse("checkout:checkout-payment"), {"delivery": "pac", **payment})
    assert response.status_code == 302


def place_order(client: Client, variant_id: int, **payment: str) -> Order:
    """An order placed through the checkout pages, with the link its buyer follows it with."""
    client.post(reverse("cart:cart-add"), {"variant": variant_id, "quantity": 1})
    checkout_to_review(client, payment=payment)
    review = client.get(reverse("checkout:checkout-review"))
    placed = client.post(
        reverse("checkout:checkout-review"), {"expected_total": review.context["quote"].totals.grand}
    )
    assert placed.status_code == 302, placed
    return Order.objects.get(number=resolve(urlsplit(placed.url).path).kwargs["number"])


def with_token(name: str, order: Order) -> str:
    return f"{reverse(name, kwargs={'number': order.number})}?t={order_access_token(order=order)}"


@pytest.fixture
def site(django_capture_on_commit_callbacks, make_staff) -> Site:
    """A small store with something on every page: orders waiting for payment (Pix, boleto, a
    declined card), cancelled, on hold, validated, being picked, picked, packed and shipped;
    a purchase, a count, a transfer, a failed message and a failed refund."""
    capture = django_capture_on_commit_callbacks
    job = Actor.job("test")
    pac = CarrierService.objects.create(code="pac", carrier="Correios", name="PAC", position=1)
    ShippingRate.objects.create(service=pac, max_weight_grams=30000, price=20, days=9)
    # Orders made by factories take numbers the checkout's numbering never reaches.
    shipped = shipped_order(capture, number="900001")  # also a carrier service, a box, a warehouse
    OrderFactory(number="900002", status=Order.Status.ON_HOLD, hold_reason=Order.HoldReason.values[0])
    validated_order(capture, number="900003")
    picking = validated_order(capture, number="900004")
    pick_list_create(warehouse=warehouse(), order_ids=[picking.pk], actor=job)
    picked_order(capture, number="900005")
    pack(picked_order(capture, number="900006"))  # booking waits for the commit that never comes
    variant = ProductFactory(stock=0).variants.get()
    stock_receive(variant_id=variant.pk, warehouse=WarehouseFactory(), quantity=50, actor=job)
    shop = WarehouseFactory(shop=True)
    stock_receive(variant_id=variant.pk, warehouse=shop, quantity=5, actor=job)
    ProductFactory(stock=0, category=variant.product.category)
    purchase_order(quantity=5)
    draft = purchase_order(quantity=3)  # a draft still being written, for its edit forms
    PurchaseOrder.objects.filter(pk=draft.pk).update(status=PurchaseOrder.Status.DRAFT)
    stock_count_open(warehouse=WarehouseFactory(), actor=job)
    NotificationFactory(failed=True)
    Refund.objects.create(  # a refund the provider failed to make, for the managers' retry
        order=OrderFactory(number="900010"),
        source="return:fuzz",
        method=Refund.Method.STORE_CREDIT,
        amount=10,
        status=Refund.Status.FAILED,
    )
    review_row()  # a product review waiting for moderation, for the managers' decision
    FeedEvent.objects.create(  # an event the ERP refused every time, for the managers' resend
        order=OrderFactory(number="900012"),
        kind=FeedEvent.Kind.ORDER_PAID,
        source="fuzz:1",
        occurred_at=timezone.now(),
        status=FeedEvent.Status.FAILED,
        last_error="HTTP 500",
    )
    erasure_request_create(user=UserFactory())  # a customer's erasure request to answer

    visitor, customer_client, manager_client = Client(), Client(), Client()
    customer, manager = UserFactory(), make_staff(Role.MANAGER)
    online = WarehouseFactory()
    transfer_send(source=shop, destination=online, lines=[(variant.pk, 1)], actor=Actor.staff(manager))
    customer_client.force_login(customer)
    manager_client.force_login(manager)
    ticket = open_ticket(customer=customer, order=OrderFactory(number="900007", customer=customer))
    Macro.objects.create(name="Prazo", body="Seu protocolo é {protocol}.")
    with override_settings(STORE_SUPPORT_BOT_CHANNELS=[]):  # a chat waiting for an agent
        chat_start(name="Rita Souza", email="rita@example.com.br", body="Vocês entregam em Manaus?")
    # Returns: a defect with its photo waiting for a decision, and a parcel received for
    # inspection whose exchange waits for it (for the "ship it now" button).
    defective, regretted = (delivered_order(capture, number=number) for number in ("900008", "900009"))
    regretted_line = regretted.lines.get()
    other_size = VariantFactory(product=regretted_line.variant.product)
    stock_receive(variant_id=other_size.pk, warehouse=WarehouseFactory(), quantity=2, actor=job)
    with capture(execute=True):
        ask_return(
            defective,
            reason=ReturnRequest.Reason.DEFECT,
            description="Veio riscado.",
            photos=[return_photo()],
        )
        received = return_request_create(
            order_id=regretted.pk,
            actor=job,
            reason=ReturnRequest.Reason.REGRET,
            lines=[
                LineAsk(order_line_id=regretted_line.pk, quantity=1, replacement_variant_id=other_size.pk)
            ],
            resolution=ReturnRequest.Resolution.EXCHANGE,
        )
    received.refresh_from_db()
    return_receive(code=received.tracking_code, actor=job)
    with capture(execute=True):
        pix = place_order(customer_client, variant.pk, method="pix")
        boleto = place_order(visitor, variant.pk, method="boleto")
        declined = place_order(visitor, variant.pk, method="card", **DECLINED_CARD)
        expired = place_order(visitor, variant.pk, method="pix")
        with transaction.atomic():
            payment_mark_expired(payment=lock_payment(expired.payments.get().pk), actor=job)
    Order.objects.filter(pk=shipped.order_id).update(customer=customer)
    telesales_order = OrderFactory(number="900011", channel=Order.Channel.TELESALES, customer=customer)
    stranger = Client()  # locked out after guessing passwords, for the unlock form
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        stranger.post(reverse("accounts:login"), {"username": customer.email, "password": "guess"})
    for client in (customer_client, visitor):  # a cart at the review step, for the checkout pages
        client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 2})
        checkout_to_review(client, payment={"method": "pix"})

    seeds = {
        "visitor": [
            "/",
            "/busca/?q=produto",
            with_token("checkout:order-confirmation", boleto),
            with_token("checkout:order-confirmation", declined),
            with_token("checkout:order-track", expired),
            with_token("cart:cart-restore", expired),
            reverse("accounts:login"),
            reverse("accounts:user-sign-up"),
            reverse("backoffice:login"),
            reverse("checkout:checkout-details"),
            reverse("checkout:checkout-payment"),
            reverse("checkout:checkout-review"),
        ],
        "customer": [
            "/",
            reverse("checkout:order-confirmation", kwargs={"number": pix.number}),
            reverse("accounts:account-detail"),
            reverse("checkout:order-list"),
            reverse("checkout:checkout-details"),
            reverse("checkout:checkout-payment"),
            reverse("checkout:checkout-review"),
        ],
        "manager": [
            reverse("backoffice:home"),
            reverse("backoffice:ticket-desk-detail", kwargs={"protocol": ticket.protocol}),
            reverse("backoffice:order-workspace", kwargs={"number": "900005"}),
            reverse("backoffice:return-detail", kwargs={"number": received.number}),
            # an order taken on the phone, and a customer's details filling its form
            reverse("backoffice:telesales-placed", kwargs={"number": telesales_order.number}),
            reverse("backoffice:telesales-customer-fill", kwargs={"pk": customer.pk}),
            # a draft purchase order and the search that finds its items
            reverse("backoffice:purchasing-detail", kwargs={"pk": draft.pk}),
            f"{reverse('backoffice:purchasing-variant-search')}?q=produto",
        ],
    }
    result = Site(clients={"visitor": visitor, "customer": customer_client, "manager": manager_client})
    covered: set = set()
    for who, client in result.clients.items():
        client.raise_request_exception = False
        result.pages[who], result.forms[who] = crawl(client, seeds[who], covered)
    # Offered only to staff with a confirmed authenticator, whose sessions would need its code.
    result.forms["manager"].append(
        Form("post", f"http://testserver{reverse('backoffice:two-factor-remove')}")
    )
    return result


# Sending

Fields = list[tuple[str, str]]


def send(client: Client, method: str, url: str, **kwargs) -> int:
    """One request whose changes are rolled back, the client's cookies kept as they were."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def form_body(pairs: Fields) -> bytes:
    return urlencode([(raw(name), raw(value)) for name, value in pairs]).encode()


def multipart_body(pairs: Fields, files: Fields, boundary: str) -> bytes:
    parts = []
    for name, value in pairs:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="'.encode()
            + raw(name)
            + b'"\r\n\r\n'
            + raw(value)
            + b"\r\n"
        )
    for name, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="'.encode()
            + raw(name)
            + b'"; filename="fuzz.csv"\r\nContent-Type: text/csv\r\n\r\n'
            + raw(content)
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def post_form(client: Client, form: Form, pairs: Fields, files: Fields) -> int:
    headers = {"HTTP_HX_REQUEST": "true"} if form.htmx else {}
    if form.files:
        boundary = uuid.uuid4().hex
        return send(
            client,
            "post",
            form.action,
            data=multipart_body(pairs, files, boundary),
            content_type=f"multipart/form-data; boundary={boundary}",
            **headers,
        )
    return send(
        client,
        "post",
        form.action,
        data=form_body(pairs),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def form_requests(form: Form, value: str) -> Iterator[tuple[str, Fields, Fields]]:
    """(what, fields, files) of each request a form gets: each field hostile in turn with the
    others as the page had them (the CSRF token aside: the test client does not check it),
    then every field hostile with each submit button, and a field named with the value."""
    defaults = form.defaults + form.submits[:1]
    files = [(name, "sku,bin,lot,counted\n") for name in form.files]
    for name in [*form.names, *dict(form.submits)]:
        if name != "csrfmiddlewaretoken":
            others = [(other, old) for other, old in defaults if other != name]
            yield name, [*others, (name, value)], files
    for name in form.files:
        yield f"file {name}", defaults, [(other, value if other == name else "") for other, _ in files]
    everything = [(name, value) for name in form.names] + [(value, value)]
    for submit in form.submits or [None]:
        yield (
            f"all fields, {submit}",
            everything + ([submit] if submit else []),
            [(n, value) for n in form.files],
        )


def failures_of(responses: Iterator[tuple[str, int]]) -> list[str]:
    return [f"{what}: {status}" for what, status in responses if status >= 500]


# The sweeps


def page_requests(site: Site, value: str) -> Iterator[tuple[str, int]]:
    """Each query parameter of each page alone, all of them at once, a parameter named with
    the value, and the value in place of each part of the page's URL."""
    hostile = quote(raw(value), safe="")
    for who, pages in site.pages.items():
        client = site.clients[who]
        for name, (path, params) in pages.items():
            for param in sorted(params):
                query = urlencode({raw(param): raw(value)})
                yield f"{who} GET {path}?{param}=", send(client, "get", f"{path}?{query}")
            everything = urlencode([(raw(param), raw(value)) for param in sorted(params)])
            yield f"{who} GET {path} every parameter", send(client, "get", f"{path}?{everything}")
            yield f"{who} GET {path} a parameter named so", send(client, "get", f"{path}?{hostile}=1")
            for kwarg, kwarg_value in resolve(path).kwargs.items():
                hostile_path = path.replace(f"/{kwarg_value}/", f"/{hostile}/", 1)
                yield f"{who} GET {name} with it as {kwarg}", send(client, "get", hostile_path)


def form_posts(site: Site, value: str) -> Iterator[tuple[str, int]]:
    for who, forms in site.forms.items():
        client = site.clients[who]
        for form in forms:
            for what, pairs, files in form_requests(form, value):
                yield f"{who} POST {form.action} {what}", post_form(client, form, pairs, files)


def assert_reaches_everything(site: Site) -> None:
    """The crawl found every storefront page and form, and every back-office URL."""
    pages = {name for pages in site.pages.values() for name in pages}
    posts = {resolve(urlsplit(form.action).path).view_name for forms in site.forms.values() for form in forms}
    assert {
        "catalog:home",
        "catalog:search",
        "catalog:category-detail",
        "catalog:product-detail",
        "cart:cart-detail",
        "cart:cart-restore",
        "checkout:checkout-details",
        "checkout:checkout-payment",
        "checkout:checkout-review",
        "checkout:order-list",
        "checkout:order-detail",
        "checkout:order-track",
        "checkout:order-confirmation",
        "checkout:order-boleto",
        "accounts:login",
        "accounts:user-sign-up",
        "accounts:account-detail",
    } - pages == set()
    staff = {f"backoffice:{name}" for _route, _view, name, _permission in STAFF_URLS}
    assert staff - pages - posts == set()
    assert {
        "set_language",
        "cart:cart-add",
        "cart:cart-line-update",
        "cart:cart-restore",
        "checkout:checkout-details",
        "checkout:checkout-payment",
        "checkout:checkout-quote",
        "checkout:checkout-review",
        "checkout:order-pay",
        "checkout:order-cancel",
        "accounts:login",
        "accounts:user-sign-up",
        "backoffice:login",
        "backoffice:notification-retry",
        "backoffice:sandbox-payment-notify",
        "backoffice:order-act",
        "backoffice:telesales-order",
        "backoffice:pick-queue",
        "backoffice:pick-list",
        "backoffice:pack-order",
        "backoffice:shipment-dispatch",
        "backoffice:purchase-order-receive",
        "backoffice:purchase-order-close",
        "backoffice:stock-count-list",
        "backoffice:stock-count-detail",
        "backoffice:stock-count-apply",
        "backoffice:transfer-list",
        "backoffice:transfer-update",
    } - posts == set()


@fuzz(random_examples=2)
def test_no_query_parameter_or_url_part_answers_5xx(site, value):
    assert_reaches_everything(site)
    failures = failures_of(page_requests(site, value))
    assert failures == [], "\n".join(failures)


@fuzz(random_examples=2)
def test_no_form_field_answers_5xx(site, value):
    assert_reaches_everything(site)
    failures = failures_of(form_posts(site, value))
    assert failures == [], "\n".join(failures)


# Signed notices: correctly signed, so what reaches the parsers and the appliers is hostile.


def leaves(payload: dict, value: str) -> Iterator[tuple[str, dict]]:
    """The payload with the value in place of each of its texts in turn, and as a new key."""
    for key, item in payload.items():
        if isinstance(item, dict):
            for what, changed in leaves(item, value):
                yield f"{key}.{what}", {**payload, key: changed}
        yield key, {**payload, key: value}
    yield "a key", {**payload, value: value}


def notice_posts(client: Client, url: str, secret: str, payload: dict, value: str, capture):
    """Each variant of the notice, signed, posted, and applied by its task when taken."""
    bodies = [(what, json.dumps(changed).encode()) for what, changed in leaves(payload, value)]
    bodies += [
        (
            "raw UTF-8",
            json.dumps(payload | {"id": value}, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        )
    ]
    bodies += [("the whole body", raw(value))]
    for what, body in bodies:
        signature = signature_header(body=body, secret=secret)
        with transaction.atomic():
            try:
                with capture(execute=True):
                    status = client.post(
                        url, data=body, content_type="application/json", HTTP_X_SIGNATURE=signature
                    ).status_code
            # Taken, then its task failed: the notice stays unapplied whatever the sender does.
            except Exception as error:
                status = 599
                what = f"{what} (applying: {error!r:.200})"
            transaction.set_rollback(True)
        yield f"{url} {what}", status


@pytest.fixture
def notice_client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def pending_pix():
    return sandbox_pix()


@pytest.fixture
def parcel():
    return shipment_row(tracking_code="SX473124829BR")


# Longer than the columns that store event ids, and still under the notice size limit.
LONG = ("e" * (EVENT_ID_MAX_LENGTH + 1), "ç" * 20_000)


@fuzz(random_examples=10, also=LONG)
def test_no_signed_payment_notice_answers_5xx(
    notice_client, django_capture_on_commit_callbacks, pending_pix, value
):
    payment = pending_pix
    payload = {"id": "evt_fuzz", "type": "charge.paid", "data": {"reference": payment.gateway_reference}}
    url = reverse("payments:payment-webhook", kwargs={"provider": "sandbox"})
    secret = settings.STORE_PAYMENT_WEBHOOK_SECRETS["sandbox"]
    posts = notice_posts(notice_client, url, secret, payload, value, django_capture_on_commit_callbacks)
    failures = failures_of(posts)
    assert failures == [], "\n".join(failures)


@fuzz(random_examples=10, also=LONG)
def test_no_signed_tracking_notice_answers_5xx(
    notice_client, django_capture_on_commit_callbacks, parcel, value
):
    shipment = parcel
    data = {
        "tracking_code": shipment.tracking_code,
        "kind": "delivery_failed",
        "at": timezone.now().isoformat(),
        "description": "Destinatário ausente",
        "location": "CDD CENTRO",
    }
    payload = {"id": "evt-fuzz", "type": "tracking", "data": data}
    url = reverse("logistics:tracking-webhook", kwargs={"carrier": "sandbox"})
    secret = settings.STORE_CARRIER_WEBHOOK_SECRETS["sandbox"]
    posts = notice_posts(notice_client, url, secret, payload, value, django_capture_on_commit_callbacks)
    failures = failures_of(posts)
    assert failures == [], "\n".join(failures)
