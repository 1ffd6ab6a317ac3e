"""The Django side of bench/speed: the shoppers a run drives, and what it checks after them.

Run by the bench in Django processes of their own, with the settings it serves the store with:

    python -m bench.speed_data shoppers --visitors 800 --carts 5000 --scarce 50
    python -m bench.speed_data queries < shoppers.json
    python -m bench.speed_data pipeline-check < numbers.json

`shoppers` makes, on the catalog `seed_demo --products N` built:
- a customer signed in, as a session cookie the way a login leaves it;
- `visitors` sessions of their own, empty, for the add-to-cart flow;
- `carts` sessions whose cart holds one product, for the checkout, each buyer with an email
  and a CPF of their own; the first carts also hold the scarce product, of which only
  `scarce` units are left to sell for twice as many carts;
- the products they add or buy, each with stock for every cart and visitor.
Every session gets a CSRF secret as its cookie, which Django also takes as the form's token.

`queries` counts the SQL statements of each request kind (a page signed in, the flow's add and
cart page, the checkout's steps) once, in this process, through the test client.
`pipeline-check` tells what became of the orders whose numbers it reads: statuses, payments,
notices and timeline entries, and the stock of the scarce product.
"""

import argparse
import json
import random
import re
import sys

import django

SEED = 2026
FLOW_PRODUCTS = 60
# Delivered to São Paulo, where the distribution centre is; CPFs of the São Paulo region.
ADDRESS = {
    "cep": "01310-100",
    "street": "Avenida Paulista",
    "street_number": "1000",
    "district": "Bela Vista",
    "city": "São Paulo",
    "state": "SP",
    "phone": "(11) 98765-4321",
}
SAO_PAULO_CPF_REGION = "8"
CUSTOMER_EMAIL = "cliente.bench@loja-aurora.example"
SCARCE_HOLD = "bench:scarce"


def sao_paulo_cpf(rng: random.Random) -> str:
    from bench.support_desk_seed import valid_cpf

    while (number := valid_cpf(rng))[8] != SAO_PAULO_CPF_REGION:
        pass
    return number


def checkout_details(buyer: dict) -> dict:
    """The checkout's first form, as a buyer of the run fills it in."""
    return {
        **ADDRESS,
        "buyer_type": "person",
        "email": buyer["email"],
        "full_name": "Comprador da Medição",
        "cpf": buyer["cpf"],
    }


def expected_total(review_page: str) -> str | None:
    """The total the review page shows, which placing the order confirms."""
    found = re.search(r'name="expected_total" value="([\d.]+)"', review_page)
    return found and found.group(1)


def session_cookies(data: dict | None = None) -> dict:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session.update(data or {})
    session.create()
    return {
        settings.SESSION_COOKIE_NAME: session.session_key,
        settings.CSRF_COOKIE_NAME: get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
    }


def signed_in_cookies() -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user, _created = get_user_model().objects.get_or_create(
        email=CUSTOMER_EMAIL, defaults={"full_name": "Cliente da Medição"}
    )
    return session_cookies(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )


def free_online(variant_id: int) -> int:
    from django.db.models import F, Sum

    from inventory.models import StockLevel

    levels = StockLevel.objects.filter(variant_id=variant_id, warehouse__sells_online=True)
    return levels.aggregate(free=Sum(F("on_hand") - F("reserved")))["free"] or 0


def stocked_variants(count: int, units: int) -> list:
    """`count` published products of one variant each, with `units` more in the online stock."""
    from core.actor import Actor
    from inventory.models import StockLevel
    from inventory.services import stock_receive

    levels = (
        StockLevel.objects.filter(
            warehouse__sells_online=True,
            variant__product__is_published=True,
            variant__product__slug__startswith="bench-",
        )
        .select_related("variant__product", "warehouse")
        .order_by("variant_id")[:count]
    )
    chosen = list(levels)
    if len(chosen) < count:
        sys.exit(f"the catalog has {len(chosen)} products in online stock, the run needs {count}")
    for level in chosen:
        stock_receive(
            variant_id=level.variant_id,
            warehouse=level.warehouse,
            quantity=units,
            actor=Actor.job("bench"),
            reason="bench stock",
        )
    return [level.variant for level in chosen]


def scarce_make(variant, units: int) -> None:
    """Leave `units` of the variant to sell online: the rest is held by a reservation."""
    from core.actor import Actor
    from inventory.services import stock_reserve

    held = free_online(variant.pk) - units
    if held > 0:
        stock_reserve(lines=[(variant.pk, held)], reference=SCARCE_HOLD, actor=Actor.job("bench"))


def shoppers(visitors: int, carts: int, scarce: int) -> dict:
    from storefront.cart.services import cart_add, cart_create
    from storefront.cart.session import SESSION_KEY as CART_SESSION_KEY

    rng = random.Random(SEED)  # noqa: S311  # reproducible bench data, not a secret
    scarce_carts = min(2 * scarce, carts)
    variants = stocked_variants(FLOW_PRODUCTS + 1, units=carts + 3 * visitors + 10)
    scarce_variant, variants = variants[0], variants[1:]
    buyers = []
    for number in range(carts):
        cart = cart_create(customer=None)
        cart_add(cart_id=cart.pk, variant_id=variants[number % len(variants)].pk)
        if number < scarce_carts:
            cart_add(cart_id=cart.pk, variant_id=scarce_variant.pk)
        buyers.append(
            {
                "cookies": session_cookies({CART_SESSION_KEY: str(cart.token)}),
                "email": f"comprador{number}.{rng.randrange(10**6)}@loja-aurora.example",
                "cpf": sao_paulo_cpf(rng),
                "scarce": number < scarce_carts,
            }
        )
    scarce_make(scarce_variant, scarce)
    return {
        "customer": signed_in_cookies(),
        "visitors": [session_cookies() for _ in range(visitors)],
        "buyers": buyers,
        "products": [{"path": f"/p/{variant.product.slug}/", "variant": variant.pk} for variant in variants],
        "scarce": {"variant": scarce_variant.pk, "units": scarce, "carts": scarce_carts},
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def counted(client, method: str, path: str, data: dict | None = None) -> tuple[int, int]:
    """The status and SQL statements of one request."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
    return response.status_code, counter.count


def queries(plan: dict) -> dict:
    """SQL statements per request, each kind asked twice and counted the second time (as a
    busy store serves it, its process warm)."""
    from django.test import Client

    def client_of(cookies: dict) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        for name, value in cookies.items():
            client.cookies[name] = value
        return client

    found = {}
    signed_in = client_of(plan["customer"])
    for name, path in plan["pages"].items():
        signed_in.get(path)
        found[f"{name} signed in"] = counted(signed_in, "get", path)
    product = plan["products"][0]
    visitor = client_of(plan["visitor"])
    token = {"csrfmiddlewaretoken": plan["visitor"]["csrftoken"]}
    for _ in range(2):
        found["flow: product"] = counted(visitor, "get", product["path"])
        found["flow: add"] = counted(
            visitor, "post", "/carrinho/adicionar/", {**token, "variant": product["variant"], "quantity": 1}
        )
        found["flow: cart"] = counted(visitor, "get", "/carrinho/")
    buyer = plan["buyers"][-1]
    shopper = client_of(buyer["cookies"])
    token = {"csrfmiddlewaretoken": buyer["cookies"]["csrftoken"]}
    found["checkout: details"] = counted(shopper, "post", "/checkout/", {**token, **checkout_details(buyer)})
    found["checkout: payment"] = counted(
        shopper, "post", "/checkout/pagamento/", {**token, "delivery": "pac", "method": "pix"}
    )
    review = shopper.get("/checkout/revisao/")
    if review.status_code != 200:
        sys.exit(f"the checkout's review answered {review.status_code}: {found}")
    found["checkout: review"] = counted(shopper, "get", "/checkout/revisao/")
    total = expected_total(review.content.decode())
    found["checkout: place"] = counted(
        shopper, "post", "/checkout/revisao/", {**token, "expected_total": total}
    )
    return {name: {"status": status, "queries": count} for name, (status, count) in found.items()}


def pipeline_check(numbers: list[str]) -> dict:
    from django.db.models import Count, Max, Min
    from django.db.models.fields.json import KT

    from inbox.models import WebhookEvent
    from orders.models import Order, OrderEvent, Payment

    orders = Order.objects.filter(number__in=numbers)
    statuses = dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    paid_twice = (
        OrderEvent.objects.filter(order__number__in=numbers, to_status=Order.Status.PAID)
        .values("order_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    payments = Payment.objects.filter(order__number__in=numbers)
    notices = WebhookEvent.objects.annotate(reference=KT("payload__data__reference")).filter(
        reference__in=payments.values("gateway_reference")
    )
    first_notice = notices.aggregate(at=Min("created_at"))["at"]
    last_decision = OrderEvent.objects.filter(
        order__number__in=numbers, to_status__in=[Order.Status.VALIDATED, Order.Status.ON_HOLD]
    ).aggregate(at=Max("created_at"))["at"]
    return {
        # From the first notice stored to the last order validated (or held).
        "seconds": (last_decision - first_notice).total_seconds() if first_notice and last_decision else 0,
        "orders": orders.count(),
        "statuses": statuses,
        "payments_paid": payments.filter(status=Payment.Status.PAID).count(),
        "paid_twice": paid_twice,
        "notices": notices.count(),
    }


def scarce_check(variant_id: int, numbers: list[str]) -> dict:
    """Units of the scarce product in the run's orders, and its online stock left."""
    from django.db.models import Sum

    from orders.models import Order, OrderLine

    lines = OrderLine.objects.filter(variant_id=variant_id, order__number__in=numbers).exclude(
        order__status=Order.Status.CANCELLED
    )
    return {
        "ordered": lines.aggregate(units=Sum("quantity"))["units"] or 0,
        "free": free_online(variant_id),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["shoppers", "queries", "pipeline-check"])
    parser.add_argument("--visitors", type=int, default=800)
    parser.add_argument("--carts", type=int, default=5000)
    parser.add_argument("--scarce", type=int, default=50)
    options = parser.parse_args()
    django.setup()
    if options.command == "shoppers":
        result = shoppers(options.visitors, options.carts, options.scarce)
    elif options.command == "queries":
        result = queries(json.load(sys.stdin))
    else:
        request = json.load(sys.stdin)
        result = {
            **pipeline_check(request["numbers"]),
            "scarce": scarce_check(request["scarce_variant"], request["numbers"]),
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
