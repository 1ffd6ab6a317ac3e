"""Avise-me: asking to be told when a sold-out variant is back, the one email when it is,
and the one-click link that stops the rest."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, override

from core.actor import Actor
from inventory.services import reservation_release, stock_receive, stock_reserve
from storefront.catalog.exceptions import StockAlertLinkInvalid, VariantInStock, VariantNotForSale
from storefront.catalog.forms import StockAlertForm
from storefront.catalog.models import StockAlert, Variant
from storefront.catalog.services import (
    stock_alert_email_read,
    stock_alert_subscribe,
    stock_alert_unsubscribe_link,
    stock_alerts_cancel,
    stock_alerts_notify,
    stock_alerts_reconcile,
    variant_save,
    variant_set_stock_online,
)
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

Status = StockAlert.Status
JOB = Actor.job("test")


@pytest.fixture
def sold_out():
    """The only variant of a published kettle, sold out."""
    return ProductFactory(name="Chaleira elétrica", stock=0).variants.get()


def back_in_stock(variant: Variant, captured, quantity: int = 3) -> None:
    """The inventory says units can be sold online again; what waits for the commit runs."""
    with captured(execute=True):
        variant_set_stock_online(variant_id=variant.pk, quantity=quantity)


def stock_alert_mails() -> list:
    return [message for message in mail.outbox if "Chaleira elétrica" in message.subject]


# Asking


def test_a_shopper_asks_for_a_sold_out_variant():
    # given
    variant = ProductFactory(stock=0).variants.get()
    # when
    alert = stock_alert_subscribe(variant_id=variant.pk, email=" Ana@Exemplo.com.br ", language="pt-br")
    # then
    assert (alert.variant_id, alert.email, alert.status, alert.language) == (
        variant.pk,
        "ana@exemplo.com.br",
        Status.WAITING,
        "pt-br",
    )


def test_asking_again_for_the_same_variant_and_email_changes_nothing(sold_out):
    # given
    first = stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    # when
    again = stock_alert_subscribe(variant_id=sold_out.pk, email="ANA@exemplo.com.br")
    # then
    assert again.pk == first.pk
    assert StockAlert.objects.count() == 1


def test_a_variant_in_stock_is_refused_as_there_is_nothing_to_wait_for():
    # given
    variant = ProductFactory(stock=5).variants.get()
    # when / then
    with pytest.raises(VariantInStock):
        stock_alert_subscribe(variant_id=variant.pk, email="ana@exemplo.com.br")
    assert not StockAlert.objects.exists()


@pytest.mark.parametrize("published", [False, True])
def test_a_variant_not_for_sale_is_refused(published):
    # given: an unpublished product, or a variant switched off
    variant = ProductFactory(stock=0, is_published=published).variants.get()
    if published:
        variant.is_active = False
        variant_save(variant=variant)
    # when / then
    with pytest.raises(VariantNotForSale):
        stock_alert_subscribe(variant_id=variant.pk, email="ana@exemplo.com.br")
    with pytest.raises(VariantNotForSale):
        stock_alert_subscribe(variant_id=999_999, email="ana@exemplo.com.br")
    assert not StockAlert.objects.exists()


@pytest.mark.parametrize("email", ["ana", "ana@", "ana@exemplo", "a b@exemplo.com.br"])
def test_a_bad_email_is_refused_on_the_field_in_portuguese(email, sold_out):
    # given / when
    with override("pt-br"):
        form = StockAlertForm({"variant": sold_out.pk, "email": email})
        valid = form.is_valid()
        errors = form.errors.get("email")
        expected = gettext("Write a valid email address, like nome@exemplo.com.br.")
    # then
    assert not valid
    assert errors == [expected]


# Telling


def test_one_email_goes_when_the_variant_is_back_and_never_again(
    sold_out, django_capture_on_commit_callbacks
):
    # given
    alert = stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br", language="pt-br")
    # when: back, sold out again, back again, and a late reconciler run
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    back_in_stock(sold_out, django_capture_on_commit_callbacks, quantity=0)
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        stock_alerts_notify(variant_id=sold_out.pk)
        stock_alerts_reconcile()
    # then
    alert.refresh_from_db()
    assert alert.status == Status.NOTIFIED and alert.notified_at is not None
    (message,) = stock_alert_mails()
    assert message.to == ["ana@exemplo.com.br"]
    with override("pt-br"):
        subject = gettext("It's back: %(product_name)s") % {"product_name": "Chaleira elétrica"}
    assert message.subject == subject
    assert "http://testserver" + sold_out.product.get_absolute_url() in message.body
    # A signed link carries the second it was signed: compared up to there.
    unsubscribe = stock_alert_unsubscribe_link(email="ana@exemplo.com.br").rsplit(":", 2)[0]
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{unsubscribe}:")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get(kind=Notification.Kind.STOCK_ALERT)
    assert notification.dedup_key == f"stock_alert:{alert.pk}"
    assert notification.language == "pt-br"


def test_the_email_speaks_the_language_the_shopper_asked_in(sold_out, django_capture_on_commit_callbacks):
    # given
    stock_alert_subscribe(variant_id=sold_out.pk, email="ann@example.com", language="en")
    # when
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    # then
    (message,) = stock_alert_mails()
    assert message.subject == "It's back: Chaleira elétrica"
    assert "is back in stock" in message.body


def test_every_address_waiting_for_the_variant_is_told_once(sold_out, django_capture_on_commit_callbacks):
    # given
    for email in ("ana@exemplo.com.br", "bia@exemplo.com.br", "caio@exemplo.com.br"):
        stock_alert_subscribe(variant_id=sold_out.pk, email=email)
    # when
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    # then
    assert sorted(message.to[0] for message in stock_alert_mails()) == [
        "ana@exemplo.com.br",
        "bia@exemplo.com.br",
        "caio@exemplo.com.br",
    ]
    assert not StockAlert.objects.filter(status=Status.WAITING).exists()


def test_a_variant_still_sold_out_sends_nothing(sold_out, django_capture_on_commit_callbacks):
    # given
    alert = stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        more = stock_alerts_notify(variant_id=sold_out.pk)
    # then
    assert more is False
    assert StockAlert.objects.get(pk=alert.pk).status == Status.WAITING
    assert stock_alert_mails() == []


def test_a_request_made_again_after_the_email_is_a_new_one(sold_out, django_capture_on_commit_callbacks):
    # given: told once, then sold out again
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    back_in_stock(sold_out, django_capture_on_commit_callbacks, quantity=0)
    # when
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    back_in_stock(sold_out, django_capture_on_commit_callbacks)
    # then
    assert len(stock_alert_mails()) == 2


def test_the_reconciler_tells_of_a_variant_back_by_another_way(sold_out, django_capture_on_commit_callbacks):
    # given: a request, then stock that came back without the hook (a lost message)
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    Variant.objects.filter(pk=sold_out.pk).update(stock_online=2)
    assert stock_alert_mails() == []
    # when
    with django_capture_on_commit_callbacks(execute=True):
        last_id = stock_alerts_reconcile()
    # then
    assert last_id is None
    assert len(stock_alert_mails()) == 1


def test_the_stock_hook_enqueues_nothing_when_nobody_waits(sold_out, django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks() as callbacks:
        variant_set_stock_online(variant_id=sold_out.pk, quantity=3)
    # then: only the page cache is dropped
    assert len(callbacks) == 1


# Stopping


def test_the_unsubscribe_link_stops_every_waiting_request_of_the_address(django_capture_on_commit_callbacks):
    # given
    kettle = ProductFactory(name="Chaleira elétrica", stock=0).variants.get()
    toaster = ProductFactory(name="Torradeira", stock=0).variants.get()
    for variant in (kettle, toaster):
        stock_alert_subscribe(variant_id=variant.pk, email="ana@exemplo.com.br")
    other = stock_alert_subscribe(variant_id=toaster.pk, email="bia@exemplo.com.br")
    token = stock_alert_unsubscribe_link(email="Ana@exemplo.com.br").rstrip("/").rsplit("/", 1)[1]
    # when
    stopped = stock_alerts_cancel(email=stock_alert_email_read(token=token))
    back_in_stock(kettle, django_capture_on_commit_callbacks)
    back_in_stock(toaster, django_capture_on_commit_callbacks)
    # then
    assert stopped == 2
    assert stock_alerts_cancel(email="ana@exemplo.com.br") == 0
    assert [message.to for message in mail.outbox] == [["bia@exemplo.com.br"]]
    assert StockAlert.objects.get(pk=other.pk).status == Status.NOTIFIED
    assert StockAlert.objects.filter(email="ana@exemplo.com.br", status=Status.CANCELLED).count() == 2


def test_a_changed_unsubscribe_link_is_refused():
    # given
    token = stock_alert_unsubscribe_link(email="ana@exemplo.com.br").rstrip("/").rsplit("/", 1)[1]
    # when / then
    with pytest.raises(StockAlertLinkInvalid):
        stock_alert_email_read(token=token[:-2] + "xx")


@pytest.mark.parametrize("method", ["get", "post"])
def test_one_click_unsubscribes_by_link_or_by_the_mail_program(client, sold_out, method):
    # given
    alert = stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    url = stock_alert_unsubscribe_link(email="ana@exemplo.com.br").removeprefix("http://testserver")
    # when
    response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="pt-br")
    # then
    assert response.status_code == 200
    with override("pt-br"):
        assert gettext("No more back-in-stock emails") in response.text
    assert StockAlert.objects.get(pk=alert.pk).status == Status.CANCELLED


def test_an_invalid_unsubscribe_link_shows_a_page_that_says_so(client):
    # given / when
    response = client.get(
        reverse("catalog:stock-alert-unsubscribe", kwargs={"token": "nonsense"}), HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    # then
    assert response.status_code == 404
    with override("pt-br"):
        assert gettext("This link did not work") in response.text


# The form on the product page


def post(client, data, *, htmx: bool = True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("catalog:stock-alert-create"), data, HTTP_ACCEPT_LANGUAGE="pt-br", **headers)


def test_the_form_answers_in_place(client, sold_out):
    # given / when
    response = post(client, {"variant": sold_out.pk, "email": "ana@exemplo.com.br"})
    # then
    assert response.status_code == 200
    with override("pt-br"):
        done = gettext("Done! We will email %(email)s once this option is back.") % {
            "email": "ana@exemplo.com.br"
        }
    assert done in response.text
    assert StockAlert.objects.get().language == "pt-br"


def test_the_form_shows_a_bad_email_on_its_field_and_keeps_nothing(client, sold_out):
    # given / when
    response = post(client, {"variant": sold_out.pk, "email": "ana@exemplo"})
    # then
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    with override("pt-br"):
        assert gettext("Write a valid email address, like nome@exemplo.com.br.") in response.text
    assert not StockAlert.objects.exists()


def test_the_form_says_when_the_variant_came_back_meanwhile(client):
    # given
    variant = ProductFactory(stock=2).variants.get()
    # when
    response = post(client, {"variant": variant.pk, "email": "ana@exemplo.com.br"})
    # then
    assert response.status_code == 422
    with override("pt-br"):
        in_stock = gettext("Good news: this option is in stock. You can add it to your cart now.")
    assert in_stock in response.text
    assert not StockAlert.objects.exists()


def test_a_signed_in_shopper_is_told_at_their_account_email(client, customer, sold_out):
    # given
    client.force_login(customer)
    # when
    response = post(client, {"variant": sold_out.pk})
    # then
    assert response.status_code == 200
    alert = StockAlert.objects.get()
    assert (alert.email, alert.user) == (customer.email.lower(), customer)


def test_without_javascript_the_product_page_shows_the_answer(client, sold_out):
    # given / when
    response = post(client, {"variant": sold_out.pk, "email": "ana@exemplo.com.br"}, htmx=False)
    # then
    assert response.status_code == 302
    assert response.url == sold_out.product.get_absolute_url()
    assert StockAlert.objects.filter(email="ana@exemplo.com.br").exists()


def test_the_product_page_offers_the_request_only_for_a_sold_out_variant(client, sold_out):
    # given
    in_stock = ProductFactory(stock=3)
    # when
    sold_out_page = client.get(sold_out.product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pt-br")
    in_stock_page = client.get(in_stock.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pt-br")
    # then
    assert 'id="stock-alert" class="card' in sold_out_page.text
    assert 'data-testid="stock-alert"' in in_stock_page.text
    assert "stock-alert d-none" in in_stock_page.text
    assert "stock-alert d-none" not in sold_out_page.text


# The availability hook on PostgreSQL, through the inventory's own services


@pytest.mark.postgres
def test_stock_received_tells_the_waiting_shopper(sold_out, django_capture_on_commit_callbacks):
    # given
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(variant_id=sold_out.pk, warehouse=WarehouseFactory(), quantity=5, actor=JOB)
    # then
    assert len(stock_alert_mails()) == 1


@pytest.mark.postgres
def test_a_released_reservation_tells_the_waiting_shopper(sold_out, django_capture_on_commit_callbacks):
    # given: the last unit held by a checkout, and a shopper waiting for it
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(variant_id=sold_out.pk, warehouse=WarehouseFactory(), quantity=1, actor=JOB)
        stock_reserve(lines=[(sold_out.pk, 1)], reference="cart-1", actor=JOB)
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        reservation_release(reference="cart-1", actor=JOB)
    # then
    assert len(stock_alert_mails()) == 1
    assert StockAlert.objects.get().status == Status.NOTIFIED


@pytest.mark.postgres
def test_a_rolled_back_receipt_tells_nobody(sold_out, django_capture_on_commit_callbacks):
    # given
    stock_alert_subscribe(variant_id=sold_out.pk, email="ana@exemplo.com.br")
    # when: the receipt fails after the stock moved
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        stock_receive(variant_id=sold_out.pk, warehouse=WarehouseFactory(), quantity=5, actor=JOB)
        raise RuntimeError("the receipt failed")
    # then
    assert callbacks == []
    assert stock_alert_mails() == []
    assert StockAlert.objects.get().status == Status.WAITING


# Staff


def test_staff_read_the_requests_in_the_admin_and_cannot_change_them(
    client, sold_out, django_assert_max_num_queries
):
    # given
    for number in range(20):
        stock_alert_subscribe(variant_id=sold_out.pk, email=f"cliente{number}@exemplo.com.br")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # when
    with django_assert_max_num_queries(10):
        response = client.get(reverse("admin:catalog_stockalert_changelist"))
    add = client.get(reverse("admin:catalog_stockalert_add"))
    # then
    assert response.status_code == 200
    assert "cliente19@exemplo.com.br" in response.text
    assert add.status_code == 403
