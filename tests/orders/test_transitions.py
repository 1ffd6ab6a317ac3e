from itertools import product

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from core.actor import Actor, PermissionMissing
from orders.exceptions import TransitionNotAllowed
from orders.models import ORDER_TRANSITIONS, TRANSITION_PERMISSIONS, Order
from orders.services import order_note_add, order_transition
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

JOB = Actor.job("test")


def move(order, to, actor=JOB, note=""):
    with transaction.atomic():
        return order_transition(order_id=order.pk, to=to, actor=actor, note=note)


@pytest.mark.parametrize(("source", "target"), list(product(Order.Status.values, repeat=2)))
def test_exactly_the_pairs_of_the_table_are_accepted(source, target):
    order = OrderFactory()
    Order.objects.filter(pk=order.pk).update(status=source)
    if target in ORDER_TRANSITIONS[source]:
        assert move(order, target).status == target
        assert order.events.get().from_status == source
    else:
        with pytest.raises(TransitionNotAllowed):
            move(order, target)
        order.refresh_from_db()
        assert order.status == source
        assert not order.events.exists()


def test_a_transition_writes_who_and_why():
    order = OrderFactory()
    move(order, Order.Status.CANCELLED, note="customer asked")
    event = order.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        Order.Status.AWAITING_PAYMENT,
        Order.Status.CANCELLED,
        "job:test",
        "customer asked",
    )


def test_the_refusal_names_the_order_and_both_states_in_the_users_language():
    from django.utils import translation

    order = OrderFactory(number="100777")
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as error:
        move(order, Order.Status.SHIPPED)
    assert str(error.value.message) == "Order 100777 cannot go from “Awaiting payment” to “Shipped”."


@pytest.mark.parametrize("target", sorted(TRANSITION_PERMISSIONS))
def test_staff_need_the_permission_of_the_target_status(target):
    source = next(status for status, targets in ORDER_TRANSITIONS.items() if target in targets)
    order = OrderFactory()
    Order.objects.filter(pk=order.pk).update(status=source)
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionMissing):
        move(order, target, actor=Actor.staff(staff))
    app_label, codename = TRANSITION_PERMISSIONS[target].split(".")
    staff.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    assert move(order, target, actor=Actor.staff(staff)).status == target


def test_customers_never_move_an_order_through_staff_transitions():
    order = OrderFactory()
    with pytest.raises(PermissionMissing):
        move(order, Order.Status.CANCELLED, actor=Actor.customer(UserFactory()))


@pytest.mark.django_db(transaction=True)
def test_transition_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        order_transition(order_id=OrderFactory().pk, to=Order.Status.CANCELLED, actor=JOB)


def test_notes_go_on_the_timeline_without_a_status_change():
    order = OrderFactory()
    event = order_note_add(order_id=order.pk, actor=JOB, note="Cliente ligou")
    assert (event.from_status, event.to_status, event.note) == ("", "", "Cliente ligou")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
