"""A closed box measures at least the box chosen and weighs at least its items and itself;
the packing screen says so on the field and changes nothing."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from backoffice.roles import Role
from logistics.exceptions import BoxTooSmall, ParcelTooLight
from logistics.models import InvoiceRecord, Shipment
from orders.models import Order
from tests.logistics.factories import pack, picked_order, service_and_box, stocked_variant, warehouse

pytestmark = pytest.mark.django_db

# The box of the factories: Caixa M, 30x20x15 cm, 150 g.
BOX_GRAMS = 150


def too_light() -> str:
    return gettext(
        "The items weigh %(items)s g and the box %(tare)s g: the parcel weighs at least %(minimum)s g."
    ) % {"items": 800, "tare": 150, "minimum": 950}


def at_least(cm: int) -> str:
    return gettext("At least %(cm)s cm, the measure of the box %(box)s.") % {"cm": cm, "box": "Caixa M"}


def heavy_picked_order(capture) -> Order:
    """A picked order of two units of 400 g each: 800 g of items, 950 g with the box."""
    variant = stocked_variant()
    variant.weight_grams = 400
    variant.save(update_fields=["weight_grams"])
    return picked_order(capture, lines=[(variant, 2)])


def assert_nothing_changed(order: Order) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PICKING
    assert not Shipment.objects.exists()
    assert not InvoiceRecord.objects.exists()


def test_a_parcel_lighter_than_its_items_and_box_is_refused(django_capture_on_commit_callbacks):
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    with pytest.raises(ParcelTooLight) as refused:
        pack(order, weight_grams=800 + BOX_GRAMS - 1)
    assert refused.value.field_errors == {"weight_grams": too_light()}
    assert_nothing_changed(order)


def test_a_parcel_of_exactly_its_items_and_box_is_packed(django_capture_on_commit_callbacks):
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order, weight_grams=800 + BOX_GRAMS)
    assert shipment.weight_grams == 950


def test_measures_smaller_than_the_box_are_refused_on_each_measure(django_capture_on_commit_callbacks):
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    with pytest.raises(BoxTooSmall) as refused:
        pack(order, weight_grams=2000, length_cm=29, height_cm=10)
    assert set(refused.value.field_errors) == {"length_cm", "height_cm"}
    assert refused.value.field_errors["length_cm"] == at_least(30)
    assert_nothing_changed(order)


def test_a_box_measured_the_other_way_round_is_packed(django_capture_on_commit_callbacks):
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    shipment = pack(order, weight_grams=2000, length_cm=20, width_cm=30, height_cm=15)
    assert (shipment.length_cm, shipment.width_cm) == (20, 30)


def test_the_packing_screen_shows_the_refusal_on_the_field(staff_client, django_capture_on_commit_callbacks):
    # given a picked order whose units are scanned
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    sku = order.lines.get().sku
    url = reverse("backoffice:pack-order", kwargs={"number": order.number}) + f"?warehouse={warehouse().code}"
    client = staff_client(Role.WAREHOUSE)
    closing = {
        "code": [sku, sku],
        "action": "pack",
        "box": service_and_box().pk,
        "weight_grams": 900,
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 15,
    }
    # when the packer types a weight below the items' and the box's
    light = client.post(url, closing, HTTP_HX_REQUEST="true")
    # then the weight field says why, and nothing was packed
    assert light.context["form"].errors == {"weight_grams": [too_light()]}
    assert 'data-items-grams="800"' in light.content.decode()
    # and measures below the box's are refused on their own fields
    small = client.post(url, {**closing, "weight_grams": 950, "width_cm": 19}, HTTP_HX_REQUEST="true")
    assert small.context["form"].errors == {"width_cm": [at_least(20)]}
    assert_nothing_changed(order)


def test_the_box_list_carries_each_boxs_measures_and_weight(staff_client, django_capture_on_commit_callbacks):
    order = heavy_picked_order(django_capture_on_commit_callbacks)
    box = service_and_box()
    url = reverse("backoffice:pack-order", kwargs={"number": order.number}) + f"?warehouse={warehouse().code}"
    page = staff_client(Role.WAREHOUSE).get(url).content.decode()
    assert (
        f'value="{box.pk}" data-length-cm="30" data-width-cm="20" data-height-cm="15" data-tare-grams="150"'
        in page
    )
