"""The demo keeps working after many purchases, and a newcomer finds their way: CPFs that fit
their CEPs, vouchers that do not run out, a sure way to the hold queue, bins to pick from in
order, every staff login in one table, quiet sandbox commands and a clear word from manage.py."""

import logging
import os
import re
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count

from backoffice import demo_data
from backoffice.demo_seed import demo_pix_discount_ensure, demo_staff_ensure, staff_logins_table
from backoffice.management.commands.seed_demo import Command as SeedDemo
from backoffice.roles import Role
from core.actor import Actor
from core.cep import state_for_cep
from core.cpf import cpf_region_states, is_valid_cpf, only_digits
from core.quiet import command_quiet
from inventory.models import Bin, StockQuant
from inventory.services import stock_reserve
from logistics.models import PickLine
from logistics.selectors import Parcel, shipping_quote
from logistics.services.picking import pick_list_create
from orders.models import Order, RiskAnalysis
from orders.services.notices import PAID, sandbox_notice_deliver
from orders.services.risk import order_analyse
from storefront.accounts.models import User
from storefront.catalog.models import PricePolicy, Variant
from storefront.catalog.services.prices import price_policy_update
from storefront.checkout.forms import CheckoutDetailsForm
from storefront.promotions.models import Voucher, VoucherRedemption
from storefront.promotions.services import voucher_benefit
from tests.logistics.factories import CLEAN
from tests.orders.factories import OrderFactory, sandbox_pix
from tests.orders.test_payment_start import pay_by_card

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
JOB = Actor.job("test")


@pytest.fixture
def demo_taxonomy():
    """Everything the demo seeds around its products: rates, vouchers, the Pix discount, bins."""
    command = SeedDemo(stdout=StringIO(), stderr=StringIO())
    return command.seed_taxonomy()


def readme_table(header: str) -> list[list[str]]:
    """The rows of the README table whose header line is `header`, cells without backticks."""
    lines = README.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows


# 1. CPFs from their CEPs' own regions


def test_each_documented_cpf_is_valid_and_issued_in_its_ceps_region(demo_taxonomy):
    assert len(demo_data.DEMO_BUYERS) >= 5
    for buyer in demo_data.DEMO_BUYERS:
        assert is_valid_cpf(buyer.cpf), buyer
        assert state_for_cep(buyer.cep) == buyer.state, buyer
        assert buyer.state in cpf_region_states(buyer.cpf), buyer
        # and every demo delivery service prices a parcel to it
        options = shipping_quote(cep=buyer.cep, parcel=Parcel(800, Decimal("3000")))
        assert {option.code for option in options} == {code for code, *_rest in demo_data.DELIVERY_SERVICES}
    assert len({only_digits(buyer.cpf) for buyer in demo_data.DEMO_BUYERS}) == len(demo_data.DEMO_BUYERS)


def test_the_readme_lists_the_demo_cpfs_with_their_ceps():
    rows = readme_table("| CPF | CEP | city/state |")
    assert rows == [[buyer.cpf, buyer.cep, f"{buyer.city}/{buyer.state}"] for buyer in demo_data.DEMO_BUYERS]


@pytest.mark.parametrize("buyer", demo_data.DEMO_BUYERS, ids=lambda buyer: buyer.state)
def test_a_first_purchase_with_a_documented_cpf_is_validated(django_capture_on_commit_callbacks, buyer):
    payment = sandbox_pix(
        cpf=only_digits(buyer.cpf), cep=only_digits(buyer.cep), state=buyer.state, city=buyer.city
    )
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_notice_deliver(payment=payment, kind=PAID)
    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.VALIDATED
    analysis = order.analyses.get()
    assert not analysis.checks.filter(hit=True, code="region_mismatch").exists()


# 2. Vouchers to try again and again


def test_demo_vouchers_do_not_run_out_but_the_welcome_one(demo_taxonomy):
    vouchers = {voucher.code: voucher for voucher in Voucher.objects.all()}
    assert set(vouchers) == {code for code, *_rest in demo_data.VOUCHERS}
    for code, voucher in vouchers.items():
        assert voucher.is_active and voucher.ends_at is None, code
        assert voucher.max_uses is None, code
        if code != "BEMVINDO10":
            assert voucher.max_uses_per_customer is None, code
    assert demo_data.REPEATABLE_VOUCHER in vouchers
    assert f"`{demo_data.REPEATABLE_VOUCHER}`" in README


def test_the_repeatable_voucher_still_applies_after_many_purchases(demo_taxonomy):
    voucher = Voucher.objects.get(code=demo_data.REPEATABLE_VOUCHER)
    for _purchase in range(12):
        order = OrderFactory(email="testadora@example.com.br", cpf="12345678810")
        VoucherRedemption.objects.create(
            voucher=voucher, order=order, email=order.email, cpf=order.cpf, discount=Decimal("15.00")
        )
    benefit = voucher_benefit(
        code=demo_data.REPEATABLE_VOUCHER,
        items_total=Decimal("100.00"),
        email="testadora@example.com.br",
        cpf="12345678810",
    )
    assert benefit.discount == Decimal("15.00")


def test_seeding_again_lifts_a_limit_an_older_demo_gave(demo_taxonomy):
    Voucher.objects.filter(code="DESCONTO30").update(max_uses=100, is_active=False)
    SeedDemo(stdout=StringIO(), stderr=StringIO()).seed_taxonomy()
    voucher = Voucher.objects.get(code="DESCONTO30")
    assert (voucher.max_uses, voucher.is_active) == (None, True)


# 3. A sure way to the hold queue


def test_checkout_takes_the_hold_phone():
    buyer = demo_data.DEMO_BUYERS[0]
    form = CheckoutDetailsForm(
        data={
            "buyer_type": "person",
            "email": "testadora@example.com.br",
            "full_name": "Testadora Demonstração",
            "cpf": buyer.cpf,
            "phone": demo_data.HOLD_PHONE,
            "cep": buyer.cep,
            "street": "Avenida Paulista",
            "street_number": "1000",
            "district": "Bela Vista",
            "city": buyer.city,
            "state": buyer.state,
        }
    )
    assert form.is_valid(), form.errors
    assert f"`{demo_data.HOLD_PHONE}`" in README


def test_the_hold_phone_lands_in_the_hold_queue_whatever_was_bought_before(
    django_capture_on_commit_callbacks,
):
    # given: a documented CPF bought with before by several emails, for much less
    buyer = demo_data.DEMO_BUYERS[0]
    where = {"cpf": only_digits(buyer.cpf), "cep": only_digits(buyer.cep), "state": buyer.state}
    for index in range(4):
        OrderFactory(
            **where,
            email=f"outra{index}@example.com.br",
            status=Order.Status.DELIVERED,
            items_total=Decimal("15.00"),
            shipping_total=Decimal("0.00"),
            grand_total=Decimal("15.00"),
        )
    payment = sandbox_pix(
        **where,
        phone=only_digits(demo_data.HOLD_PHONE),
        grand_total=Decimal("900.00"),
        items_total=Decimal("880.00"),
    )
    # when it is paid
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_notice_deliver(payment=payment, kind=PAID)
    # then it waits for an analyst, for its registration data
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.REGISTRATION_DATA)
    analysis = order.analyses.get()
    assert analysis.decision != RiskAnalysis.Decision.REJECT
    assert analysis.checks.filter(kind="data", code="phone", hit=True).exists()


def test_the_hold_phone_holds_a_first_purchase_too():
    buyer = demo_data.DEMO_BUYERS[1]
    order = OrderFactory(
        cpf=only_digits(buyer.cpf),
        cep=only_digits(buyer.cep),
        state=buyer.state,
        phone=only_digits(demo_data.HOLD_PHONE),
        status=Order.Status.PAID,
    )
    order_analyse(order_id=order.pk)
    order.refresh_from_db()
    assert (order.status, order.hold_reason) == (Order.Status.ON_HOLD, Order.HoldReason.REGISTRATION_DATA)


# 4. Bins enough to pick in order


def test_the_warehouse_has_a_bin_per_category_and_level_in_walking_order(demo_taxonomy):
    bins = list(
        Bin.objects.filter(warehouse=demo_taxonomy.warehouse, code__contains="-").order_by("position")
    )
    codes = [bin.code for bin in bins]
    assert codes == demo_data.demo_bins()
    assert len(codes) == len(demo_data.LEAVES) * demo_data.BIN_LEVELS
    assert codes == sorted(codes)  # aisle, shelf, level: the walk reads like the labels


@pytest.fixture
def small_demo(monkeypatch, demo_taxonomy):
    """The demo's first products, one per category, with their stock."""
    full = demo_data.demo_products
    monkeypatch.setattr(
        demo_data, "demo_products", lambda *, seed: full(seed=seed, count=len(demo_data.LEAVES))
    )
    command = SeedDemo(stdout=StringIO(), stderr=StringIO())
    command.seed_demo_products(taxonomy=demo_taxonomy, seed=2026)
    return demo_taxonomy


def test_demo_stock_is_spread_over_the_bins_and_a_pick_list_goes_bin_by_bin(
    small_demo, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    quants = StockQuant.objects.filter(level__warehouse=small_demo.warehouse, on_hand__gt=0)
    assert not quants.filter(bin__code=Bin.DEFAULT_CODE).exists()
    assert quants.values("bin").distinct().count() >= len(demo_data.LEAVES)
    # an order of one item from each of several categories, listed backwards
    variants = (
        Variant.objects.filter(stock_online__gt=0)
        .values("product__category")
        .annotate(first=Count("pk"))
        .values_list("product__category", flat=True)
    )
    chosen = [
        Variant.objects.filter(product__category=category, stock_online__gt=0).order_by("sku").first()
        for category in list(variants)[:5]
    ][::-1]
    items = Decimal("100.00") * len(chosen)
    with capture(execute=True):
        order = OrderFactory(**CLEAN, items_total=items, grand_total=items + Decimal("20.00"))
        for variant in chosen:
            order.lines.create(
                variant=variant,
                product_name=variant.sku,
                sku=variant.sku,
                unit_price=Decimal("100.00"),
                quantity=1,
                line_total=Decimal("100.00"),
            )
        stock_reserve(lines=[(variant.pk, 1) for variant in chosen], reference=f"order:{order.pk}", actor=JOB)
        pay_by_card(order, installments=1)
    order.refresh_from_db()
    assert order.status == Order.Status.VALIDATED
    pick_list = pick_list_create(warehouse=small_demo.warehouse, order_ids=[order.pk], actor=JOB)
    walk = list(
        PickLine.objects.filter(pick_list=pick_list)
        .order_by("sequence")
        .values_list("bin__code", "bin__position")
    )
    assert len({code for code, _position in walk}) == len(chosen)  # one bin per item
    assert [position for _code, position in walk] == sorted(position for _code, position in walk)


# 5. Every staff login, listed together


def test_every_role_has_a_demo_login_and_the_readme_lists_them_all():
    logins = demo_data.staff_logins()
    assert {role for _email, _name, roles in logins for role in roles} == set(Role)
    rows = readme_table("| role | email |")
    assert rows == [[str(roles[0]), email] for email, _name, roles in logins]


def test_seed_demo_prints_every_staff_login_with_its_role_in_one_table(settings):
    settings.DEBUG = True
    logins = demo_staff_ensure(password="loja-demo-2026")
    lines = staff_logins_table(logins)
    assert re.match(r"role +email +password$", lines[0])
    assert len(lines) == len(demo_data.staff_logins()) + 1
    for (email, _name, roles), line in zip(demo_data.staff_logins(), lines[1:], strict=True):
        assert re.match(rf"{re.escape(str(roles[0]))} +{re.escape(email)} +loja-demo-2026$", line)
    # a second run leaves the passwords alone and says so
    again = staff_logins_table(demo_staff_ensure(password="another"))
    assert all(line.endswith("(already there, password unchanged)") for line in again[1:])
    assert User.objects.filter(is_staff=True).count() == len(Role)
    analyst = User.objects.get(email="analista@loja.example")
    assert analyst.check_password("loja-demo-2026")
    assert list(analyst.groups.values_list("name", flat=True)) == [Role.ORDER_ANALYST]


# 6. Quiet sandbox commands


@pytest.mark.django_db(transaction=True)
def test_sandbox_payments_prints_one_line_and_no_email_or_log(settings, capsys, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    caplog.set_level(logging.DEBUG)
    payment = sandbox_pix(email="testadora@example.com.br")
    out = StringIO()
    caplog.clear()
    call_command("sandbox_payments", "pay", payment.order.number, stdout=out)
    assert out.getvalue() == f"Order {payment.order.number}: Pix paid.\n"
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.VALIDATED
    printed = capsys.readouterr()
    assert "Subject:" not in printed.out + printed.err
    assert not [record for record in caplog.records if record.levelno < logging.WARNING]


def test_command_quiet_keeps_errors_and_real_email_backends(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with command_quiet():
        logging.getLogger("store.test").info("work done")
        logging.getLogger("store.test").error("something broke")
        mail.send_mail("s", "b", "loja@example.com.br", ["a@example.com.br"])
    assert [record.getMessage() for record in caplog.records] == ["something broke"]
    assert len(mail.outbox) == 1
    logging.getLogger("store.test").info("after")
    assert caplog.records[-1].getMessage() == "after"


@pytest.mark.django_db(transaction=True)
def test_sandbox_carrier_prints_one_line_per_event(settings, capsys, caplog):
    from tests.logistics.factories import shipped_order

    class Immediate:
        """on_commit runs at once outside a test transaction: nothing to capture."""

        def __call__(self, execute=False):
            from contextlib import nullcontext

            return nullcontext([])

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    shipment = shipped_order(Immediate())
    caplog.set_level(logging.DEBUG)
    capsys.readouterr()
    out = StringIO()
    caplog.clear()
    call_command("sandbox_carrier", "--to-the-end", stdout=out)
    code = shipment.tracking_code
    assert out.getvalue().splitlines() == [
        f"{code}: posted.",
        f"{code}: in transit.",
        f"{code}: out for delivery.",
        f"{code}: delivered.",
        "4 tracking event(s) published.",
    ]
    printed = capsys.readouterr()
    assert "Subject:" not in printed.out + printed.err
    assert not [record for record in caplog.records if record.levelno < logging.WARNING]


# 7. seed_demo: a progress bar, no log noise


def test_seed_demo_shows_a_progress_bar_and_no_log_lines(settings, capsys, caplog):
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    out = StringIO()
    call_command("seed_demo", "--products", "3", stdout=out, stderr=StringIO())
    printed = capsys.readouterr()
    assert "Benchmark products" in printed.err  # tqdm's bar, on the terminal's stderr
    assert "100%" in printed.err
    assert not [record for record in caplog.records if record.levelno < logging.WARNING]
    assert "Demo store ready." in out.getvalue()


# 8. manage.py without settings


def test_manage_py_without_settings_tells_a_newcomer_to_set_django_debug(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "STORE_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CACHE_URL"))
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Missing required setting: set the DJANGO_SECRET_KEY environment variable")
    assert "DJANGO_DEBUG=true" in lines[0]


# 9. The Pix discount


def test_the_demo_sets_a_five_percent_pix_discount_and_keeps_a_managers_choice(demo_taxonomy):
    assert PricePolicy.objects.get().pix_discount_percent == Decimal("5.00")
    price_policy_update(pix_discount_percent=Decimal("3.00"))
    assert demo_pix_discount_ensure() == Decimal("3.00")
    assert PricePolicy.objects.get().pix_discount_percent == Decimal("3.00")
    assert "5% Pix discount" in README
