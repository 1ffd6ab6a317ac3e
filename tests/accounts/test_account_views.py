"""The account pages: details, saved addresses, email and password, password reset by email,
the latest orders with buy again, and checkout starting from what the account keeps."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import translation

from orders.models import OrderLine
from storefront.accounts import views
from storefront.accounts.models import Address, CustomerProfile, User
from storefront.accounts.services import address_create, profile_update
from storefront.cart.models import CartLine
from storefront.catalog.models import Variant
from storefront.checkout import views as checkout_views
from support.notifications.models import Notification
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.accounts.test_addresses import PAULISTA, RIO
from tests.catalog.factories import ProductFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def pt(message: str) -> str:
    with translation.override("pt-br"):
        return translation.gettext(message)


@pytest.fixture
def ana(client):
    user = UserFactory(email="ana@example.com.br", full_name="Ana Souza")
    client.force_login(user)
    return user


def order_with_lines(customer, *variants, status="delivered", **fields):
    order = OrderFactory(customer=customer, status=status, **fields)
    for variant in variants:
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            sku=variant.sku,
            unit_price=Decimal("50.00"),
            quantity=2,
            line_total=Decimal("100.00"),
        )
    return order


def logs_in(client, email: str, password: str) -> bool:
    """Whether the login page lets this email and password in."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# The account page


def test_the_account_page_shows_only_the_customers_own_addresses_and_orders_in_bounded_queries(
    client, ana, django_assert_max_num_queries
):
    bia = UserFactory()
    variants = [ProductFactory().variants.get() for _ in range(3)]
    for number in range(8):
        address_create(customer=ana, label=f"Endereço {number}", **{**RIO, "street_number": str(number)})
    for status in ("awaiting_payment", "paid", "shipped", "delivered", "cancelled", "validated", "on_hold"):
        order_with_lines(ana, *variants, status=status)
    address_create(customer=bia, label="Endereço da Bia", **PAULISTA)
    theirs = order_with_lines(bia, variants[0], number="990001")
    profile_update(user=ana, full_name="Ana Souza", cpf="52998224725", phone="11987654321")

    with django_assert_max_num_queries(views.ACCOUNT_DETAIL_QUERIES):
        response = client.get(reverse("accounts:account-detail"))

    html = response.content.decode()
    assert len(response.context["addresses"]) == 8
    assert len(response.context["orders"]) == views.ACCOUNT_ORDERS_SHOWN
    assert response.context["more_orders"]
    assert "Endereço da Bia" not in html and theirs.number not in html
    assert "529.982.247-25" in html and "(11) 98765-4321" in html
    badges = {order.status: order.badge for order in response.context["orders"]}
    assert badges["delivered"] == "success" and badges["cancelled"] == "secondary"
    assert 'class="badge text-bg-warning" data-testid="order-status"' in html


@pytest.mark.parametrize(
    "name",
    ["account-detail", "profile-update", "address-create", "email-change", "password-change"],
)
def test_account_pages_need_a_login(client, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# Details


def test_the_customer_keeps_their_cpf_and_phone(client, ana):
    response = client.post(
        reverse("accounts:profile-update"),
        {"full_name": "Ana Souza", "cpf": "529.982.247-25", "phone": "(11) 98765-4321"},
    )
    assert response.status_code == 302
    profile = CustomerProfile.objects.get(user=ana)
    assert (profile.cpf, profile.phone) == ("52998224725", "11987654321")


def test_a_wrong_cpf_is_said_on_its_field_in_portuguese_and_nothing_is_kept(client, ana):
    response = client.post(
        reverse("accounts:profile-update"),
        {"full_name": "Ana Souza", "cpf": "529.982.247-24", "phone": "1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["cpf"] == ["Informe um CPF válido (11 dígitos)."]
    assert "phone" in errors
    assert not CustomerProfile.objects.exists()


# Addresses


def address_post(**fields):
    return {"label": "Casa", **PAULISTA, **fields}


def test_the_customer_adds_an_address_which_becomes_the_default(client, ana):
    response = client.post(reverse("accounts:address-create"), address_post())
    assert response.status_code == 302
    address = Address.objects.get(customer=ana)
    assert (address.cep, address.is_default, address.label) == ("01310100", True, "Casa")


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"cep": "123"}, "cep"), ({"state": "RJ"}, "cep"), ({"street": ""}, "street"), ({"city": ""}, "city")],
)
def test_a_wrong_address_is_said_on_its_field_and_nothing_is_saved(client, ana, fields, field):
    response = client.post(reverse("accounts:address-create"), address_post(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Address.objects.exists()


def test_the_cep_field_asks_the_lookup(client, ana):
    html = client.get(reverse("accounts:address-create")).content.decode()
    assert f'data-cep-lookup="{reverse("accounts:address-lookup")}"' in html
    assert "js/address.js" in html


def test_the_customer_edits_an_address_and_makes_it_the_default(client, ana):
    address_create(customer=ana, **PAULISTA)
    work = address_create(customer=ana, **RIO)
    response = client.post(
        reverse("accounts:address-update", args=[work.pk]),
        {**RIO, "label": "Trabalho", "district": "Saúde", "is_default": "on"},
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.label, work.district, work.is_default) == ("Trabalho", "Saúde", True)
    assert Address.objects.filter(customer=ana, is_default=True).count() == 1


def test_the_customer_sets_the_default_and_deletes_an_address(client, ana):
    home, work = address_create(customer=ana, **PAULISTA), address_create(customer=ana, **RIO)
    client.post(reverse("accounts:address-default", args=[work.pk]))
    assert Address.objects.get(is_default=True).pk == work.pk
    client.post(reverse("accounts:address-delete", args=[home.pk]))
    assert list(Address.objects.values_list("pk", flat=True)) == [work.pk]


def test_another_customers_address_cannot_be_seen_or_changed(client, ana):
    theirs = address_create(customer=UserFactory(), **PAULISTA)
    assert client.get(reverse("accounts:address-update", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:address-update", args=[theirs.pk]), address_post()).status_code == 404
    )
    response = client.post(reverse("accounts:address-delete", args=[theirs.pk]))
    assert page_messages(response) == [pt("This address is not in your account any more.")]
    client.post(reverse("accounts:address-default", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert (theirs.street, theirs.is_default) == ("Avenida Paulista", True)


def test_deleting_and_default_only_by_post(client, ana):
    address = address_create(customer=ana, **PAULISTA)
    assert client.get(reverse("accounts:address-delete", args=[address.pk])).status_code == 405
    assert client.get(reverse("accounts:address-default", args=[address.pk])).status_code == 405
    assert Address.objects.filter(pk=address.pk).exists()


# Email and password


def test_the_email_changes_with_the_password_and_the_old_address_is_told(
    client, ana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:email-change"), {"email": "Ana.Nova@Example.com.br", "password": TEST_PASSWORD}
        )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.email == "ana.nova@example.com.br"
    notice = Notification.objects.get(kind=Notification.Kind.EMAIL_CHANGED)
    assert notice.to_address == "ana@example.com.br"
    assert [message.to for message in mail.outbox] == [["ana@example.com.br"]]
    assert "ana.nova@example.com.br" in mail.outbox[0].body
    client.logout()
    assert logs_in(client, "ana.nova@example.com.br", TEST_PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("ana.nova@example.com.br", "senha-errada", "password"),
        ("bia@example.com.br", TEST_PASSWORD, "email"),  # another account's
        ("ana@example.com.br", TEST_PASSWORD, "email"),  # the same
        ("não é email", TEST_PASSWORD, "email"),
    ],
)
def test_the_email_stays_when_the_change_is_wrong(client, ana, email, password, field):
    UserFactory(email="bia@example.com.br")
    response = client.post(reverse("accounts:email-change"), {"email": email, "password": password})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    ana.refresh_from_db()
    assert ana.email == "ana@example.com.br"
    assert not Notification.objects.filter(kind=Notification.Kind.EMAIL_CHANGED).exists()


def test_the_password_changes_and_the_customer_stays_logged_in(client, ana):
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "outra-senha-forte-77",
            "new_password2": "outra-senha-forte-77",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:account-detail")).status_code == 200
    ana.refresh_from_db()
    assert ana.check_password("outra-senha-forte-77")


def test_a_wrong_old_password_changes_nothing(client, ana):
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "errada",
            "new_password1": "outra-senha-forte-77",
            "new_password2": "outra-senha-forte-77",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    ana.refresh_from_db()
    assert ana.check_password(TEST_PASSWORD)


# Password reset by email


def reset_link(body: str) -> str:
    line = next(line for line in body.splitlines() if "/account/senha/nova/" in line)
    return line.strip().removeprefix("http://testserver")


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, django_capture_on_commit_callbacks):
    ana = UserFactory(email="ana@example.com.br")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "ANA@example.com.br"})
    assert response.url == reverse("accounts:password-reset-done")
    notice = Notification.objects.get(kind=Notification.Kind.PASSWORD_RESET)
    assert notice.recipient == ana and notice.status == Notification.Status.SENT
    [email] = mail.outbox
    assert email.to == ["ana@example.com.br"]
    # the log keeps that it went, not the link: nobody reading it can open the account
    assert "/account/senha/nova/" not in notice.body_text + notice.body_html

    form_page = client.get(reset_link(email.body), follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "nova-senha-forte-88", "new_password2": "nova-senha-forte-88"},
    )
    assert done.url == reverse("accounts:password-reset-complete")
    assert logs_in(client, "ana@example.com.br", "nova-senha-forte-88")
    # the link works once
    assert not client.get(reset_link(email.body), follow=True).context["validlink"]


def test_an_unknown_email_gets_the_same_answer_and_no_message(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "ninguem@example.com.br"})
    assert response.url == reverse("accounts:password-reset-done")
    assert not Notification.objects.exists()


def test_asking_again_soon_sends_one_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="ana@example.com.br")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(reverse("accounts:password-reset"), {"email": "ana@example.com.br"})
    assert Notification.objects.filter(kind=Notification.Kind.PASSWORD_RESET).count() == 1
    assert len(mail.outbox) == 1


def test_a_customer_opened_by_staff_sets_a_password_by_reset(client):
    user = User.objects.create_user("leo@example.com.br", None, full_name="Leo Lima")
    assert not user.has_usable_password()
    client.post(reverse("accounts:password-reset"), {"email": "leo@example.com.br"})
    assert Notification.objects.filter(kind=Notification.Kind.PASSWORD_RESET, recipient=user).exists()


def test_the_login_page_offers_the_reset(client):
    assert reverse("accounts:password-reset") in client.get(reverse("accounts:login")).content.decode()


# Buy again


def test_buy_again_puts_the_available_items_back_at_todays_prices_and_names_the_gone_ones(client, ana):
    kettle = ProductFactory(name="Chaleira", price=Decimal("80.00"), stock=5).variants.get()
    mug = ProductFactory(name="Caneca", price=Decimal("30.00"), stock=1).variants.get()
    lamp = ProductFactory(name="Luminária", stock=5).variants.get()
    order = order_with_lines(ana, kettle, mug, lamp)
    Variant.objects.filter(pk=lamp.pk).update(is_active=False)

    response = client.post(reverse("checkout:order-buy-again", args=[order.number]))

    assert response.url == reverse("cart:cart-detail")
    lines = {line.variant_id: line for line in CartLine.objects.filter(cart__customer=ana)}
    assert set(lines) == {kettle.pk, mug.pk}
    assert (lines[kettle.pk].quantity, lines[kettle.pk].price_when_added) == (2, Decimal("80.00"))
    assert lines[mug.pk].quantity == 1  # one left in stock
    with translation.override("pt-br"):
        assert page_messages(response) == [
            translation.gettext("Back in your cart at today's prices: %(items)s.")
            % {"items": "Chaleira, Caneca"},
            translation.gettext("Fewer units than before, as many as we have: %(items)s.")
            % {"items": "Caneca"},
            translation.gettext("No longer available, left out: %(items)s.") % {"items": "Luminária"},
        ]


def test_buying_again_twice_does_not_double_the_cart(client, ana):
    kettle = ProductFactory(stock=5).variants.get()
    order = order_with_lines(ana, kettle)
    for _ in range(2):
        client.post(reverse("checkout:order-buy-again", args=[order.number]))
    assert CartLine.objects.get(cart__customer=ana).quantity == 2


def test_another_customers_order_cannot_be_bought_again(client, ana):
    kettle = ProductFactory(stock=5).variants.get()
    theirs = order_with_lines(UserFactory(), kettle)
    assert client.post(reverse("checkout:order-buy-again", args=[theirs.number])).status_code == 404
    assert not CartLine.objects.exists()


def test_buy_again_needs_a_login_and_a_post(client):
    order = order_with_lines(UserFactory(), ProductFactory(stock=5).variants.get())
    url = reverse("checkout:order-buy-again", args=[order.number])
    assert client.post(url).url.startswith(reverse("accounts:login"))
    client.force_login(order.customer)
    assert client.get(url).status_code == 405


# Checkout starts from the account


@pytest.fixture
def cart_of(client):
    def fill(user=None):
        variant = ProductFactory(stock=5).variants.get()
        client.post(reverse("cart:cart-add"), {"variant": variant.pk, "quantity": 1})
        return variant

    return fill


CHECKOUT = {
    "email": "ana@example.com.br",
    "full_name": "Ana Souza",
    "cpf": "529.982.247-25",
    "phone": "(11) 98765-4321",
    **RIO,
}


def test_checkout_fills_the_profile_and_the_default_address_and_offers_the_others(client, ana, cart_of):
    cart_of()
    profile_update(user=ana, full_name="Ana Souza", cpf="52998224725", phone="21998765432")
    address_create(customer=ana, label="Casa", **PAULISTA)
    work = address_create(customer=ana, label="Trabalho", is_default=True, **RIO)

    response = client.get(reverse("checkout:checkout-details"))

    initial = response.context["form"].initial
    assert (initial["cpf"], initial["phone"]) == ("52998224725", "21998765432")
    assert (initial["cep"], initial["street"], initial["city"]) == (
        "20040020",
        "Avenida Rio Branco",
        "Rio de Janeiro",
    )
    assert [address.label for address, _fields in response.context["saved_addresses"]] == ["Trabalho", "Casa"]
    assert response.context["picked_address"] == work.pk
    html = response.content.decode()
    assert f'value="{work.pk}" data-saved-address=' in html and "checked" in html


def test_checkout_saves_the_typed_address_and_keeps_the_cpf_and_phone_when_asked(client, ana, cart_of):
    cart_of()
    response = client.post(reverse("checkout:checkout-details"), {**CHECKOUT, "save_address": "1"})
    assert response.url == reverse("checkout:checkout-payment")
    address = Address.objects.get(customer=ana)
    assert (address.cep, address.street_number, address.is_default) == ("20040020", "100", True)
    profile = CustomerProfile.objects.get(user=ana)
    assert (profile.cpf, profile.phone) == ("52998224725", "11987654321")


def test_checkout_saves_no_address_unless_asked(client, ana, cart_of):
    cart_of()
    client.post(reverse("checkout:checkout-details"), CHECKOUT)
    assert not Address.objects.exists()


def test_a_guest_checkout_keeps_nothing_in_any_account(client, cart_of):
    cart_of()
    response = client.post(reverse("checkout:checkout-details"), {**CHECKOUT, "save_address": "1"})
    assert response.url == reverse("checkout:checkout-payment")
    assert not Address.objects.exists() and not CustomerProfile.objects.exists()
    assert 'name="save_address"' not in client.get(reverse("checkout:checkout-details")).content.decode()


def test_the_checkout_page_with_many_saved_addresses_runs_bounded_queries(
    client, ana, cart_of, django_assert_max_num_queries
):
    cart_of()
    for number in range(15):
        address_create(customer=ana, **{**PAULISTA, "street_number": str(number)})
    with django_assert_max_num_queries(checkout_views.CHECKOUT_STEP_QUERIES):
        response = client.get(reverse("checkout:checkout-details"))
    assert len(response.context["saved_addresses"]) == 15


# The admin


@pytest.mark.parametrize("model", ["address", "customerprofile"])
def test_the_admin_lists_and_opens_addresses_and_profiles(admin_client, model):
    ana = UserFactory()
    address_create(customer=ana, **PAULISTA)
    profile_update(user=ana, full_name="Ana Souza", cpf="52998224725", phone="11987654321")
    row = Address.objects.get() if model == "address" else CustomerProfile.objects.get()
    assert admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:accounts_{model}_change", args=[row.pk])).status_code == 200
