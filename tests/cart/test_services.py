from decimal import Decimal

import pytest
from django.utils import translation

from storefront.cart.exceptions import CartClosed, CartLineNotFound, QuantityUnavailable, VariantNotForSale
from storefront.cart.models import Cart, CartLine
from storefront.cart.services import cart_add, cart_create, cart_merge, cart_set_quantity, cart_transition
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def variant(stock: int = 5, price: str = "50.00", **product_fields):
    return ProductFactory(price=Decimal(price), stock=stock, **product_fields).variants.get()


def test_adding_keeps_the_price_of_the_moment():
    cart, shirt = cart_create(), variant(price="59.90")
    line = cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=2)
    assert (line.quantity, line.price_when_added) == (2, Decimal("59.90"))


def test_adding_the_same_variant_again_adds_to_its_line():
    cart, shirt = cart_create(), variant()
    cart_add(cart_id=cart.pk, variant_id=shirt.pk)
    cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=2)
    assert list(cart.lines.values_list("quantity", flat=True)) == [3]


def test_more_than_the_online_stock_is_refused_and_changes_nothing():
    cart, shirt = cart_create(), variant(stock=3)
    cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=2)
    with translation.override("en"), pytest.raises(QuantityUnavailable) as error:
        cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=2)
    assert str(error.value.message) == "Only 3 units are available."
    assert cart.lines.get().quantity == 2


def test_a_sold_out_variant_cannot_be_added():
    cart, shirt = cart_create(), variant(stock=0)
    with translation.override("en"), pytest.raises(QuantityUnavailable) as error:
        cart_add(cart_id=cart.pk, variant_id=shirt.pk)
    assert str(error.value.message) == "This product is sold out."
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("case", ["unpublished", "inactive", "missing"])
def test_what_is_not_for_sale_cannot_be_added(case):
    cart = cart_create()
    shirt = variant(is_published=case != "unpublished")
    if case == "inactive":
        shirt.is_active = False
        shirt.save(update_fields=["is_active"])
    with pytest.raises(VariantNotForSale):
        cart_add(cart_id=cart.pk, variant_id=999_999 if case == "missing" else shirt.pk)


def test_quantity_zero_removes_the_line():
    cart, shirt = cart_create(), variant()
    line = cart_add(cart_id=cart.pk, variant_id=shirt.pk)
    assert cart_set_quantity(cart_id=cart.pk, line_id=line.pk, quantity=0) is None
    assert not cart.lines.exists()


def test_a_line_of_another_cart_is_not_found_and_stays_untouched():
    mine, theirs, shirt = cart_create(), cart_create(), variant()
    their_line = cart_add(cart_id=theirs.pk, variant_id=shirt.pk)
    with pytest.raises(CartLineNotFound):
        cart_set_quantity(cart_id=mine.pk, line_id=their_line.pk, quantity=5)
    their_line.refresh_from_db()
    assert their_line.quantity == 1


def test_lowering_a_quantity_is_allowed_even_when_stock_fell_below_it():
    cart, shirt = cart_create(), variant(stock=5)
    line = cart_add(cart_id=cart.pk, variant_id=shirt.pk, quantity=5)
    shirt.stock_online = 2
    shirt.save(update_fields=["stock_online"])
    assert cart_set_quantity(cart_id=cart.pk, line_id=line.pk, quantity=4).quantity == 4
    with pytest.raises(QuantityUnavailable):
        cart_set_quantity(cart_id=cart.pk, line_id=line.pk, quantity=5)


def test_login_adopts_the_visitors_cart_when_the_customer_has_none():
    visitor_cart, customer = cart_create(), UserFactory()
    cart_add(cart_id=visitor_cart.pk, variant_id=variant().pk)
    cart = cart_merge(source_id=visitor_cart.pk, customer=customer)
    assert cart.pk == visitor_cart.pk
    assert cart.customer == customer


def test_login_merges_quantities_within_stock():
    customer = UserFactory()
    shirt, mug = variant(stock=4), variant(stock=9)
    customer_cart, visitor_cart = cart_create(customer=customer), cart_create()
    cart_add(cart_id=customer_cart.pk, variant_id=shirt.pk, quantity=3)
    cart_add(cart_id=visitor_cart.pk, variant_id=shirt.pk, quantity=3)
    cart_add(cart_id=visitor_cart.pk, variant_id=mug.pk, quantity=2)

    merged = cart_merge(source_id=visitor_cart.pk, customer=customer)

    assert merged.pk == customer_cart.pk
    assert dict(merged.lines.values_list("variant_id", "quantity")) == {shirt.pk: 4, mug.pk: 2}
    visitor_cart.refresh_from_db()
    assert visitor_cart.status == Cart.Status.MERGED


def test_a_customer_has_one_open_cart():
    customer = UserFactory()
    assert cart_create(customer=customer).pk == cart_create(customer=customer).pk


def test_a_closed_cart_takes_nothing_more():
    cart = cart_create()
    cart_transition(cart=cart, to=Cart.Status.ORDERED)
    with pytest.raises(CartClosed):
        cart_add(cart_id=cart.pk, variant_id=variant().pk)
