"""Erasure (LGPD): no personal data left anywhere in the database, fiscal records intact."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Sum
from django.utils import translation

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from logistics.models import InvoiceRecord
from orders.models import Order, Payment
from storefront.accounts.erasure import (
    ANONYMOUS_NAME,
    customer_anonymise,
    erasure_request_carry_out,
    erasure_request_create,
    erasure_request_refuse,
)
from storefront.accounts.exceptions import (
    ErasureNotForStaff,
    ErasureRefusalReasonMissing,
    ErasureTransitionNotAllowed,
)
from storefront.accounts.models import ERASURE_TRANSITIONS, ErasureRequest, User
from tests.accounts.factories import UserFactory
from tests.accounts.privacy_seed import PERSONAL, seeded_customer
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

TEXT_TYPES = ("char", "text", "json", "clob")


def _text_columns(cursor) -> list[tuple[str, str]]:
    """Every text, varchar and JSON column of every table: information_schema on PostgreSQL,
    the introspection of each table on SQLite."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') "
            "ORDER BY table_name, column_name"
        )
        return list(cursor.fetchall())
    columns = []
    for table in connection.introspection.table_names(cursor):
        for column in connection.introspection.get_table_description(cursor, table):
            if any(kind in str(column.type_code).lower() for kind in TEXT_TYPES):
                columns.append((table, column.name))
    return columns


def personal_data_found(needles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(table, column, needle) wherever a needle still appears, ignoring case."""
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    found = []
    with connection.cursor() as cursor:
        columns = _text_columns(cursor)
        assert len(columns) > 100, "the search must cover the whole database"
        for table, column in columns:
            for needle in needles:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) {like} %s',  # noqa: S608 - names come from the catalog
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


def fiscal_totals(order_ids: list[int]) -> dict[str, Decimal]:
    return {
        "orders": Order.objects.filter(pk__in=order_ids).aggregate(total=Sum("grand_total"))["total"],
        "lines": Order.objects.filter(pk__in=order_ids).aggregate(total=Sum("lines__line_total"))["total"],
        "payments": Payment.objects.filter(order_id__in=order_ids).aggregate(total=Sum("amount"))["total"],
        "refunded": Payment.objects.filter(order_id__in=order_ids).aggregate(total=Sum("refunded_amount"))[
            "total"
        ],
        "invoices": InvoiceRecord.objects.filter(shipment__order_id__in=order_ids).aggregate(
            total=Sum("total")
        )["total"],
        "invoice_keys": InvoiceRecord.objects.filter(shipment__order_id__in=order_ids).count(),
    }


@pytest.fixture
def data_protection(make_staff):
    return make_staff(Role.DATA_PROTECTION)


def test_erasure_leaves_no_personal_data_in_the_database_and_keeps_fiscal_records(
    django_capture_on_commit_callbacks, data_protection, client
):
    # given a customer with data in every app, signed in somewhere
    seeded = seeded_customer(django_capture_on_commit_callbacks, staff=data_protection)
    client.force_login(seeded.user)
    assert personal_data_found(PERSONAL[:2])  # the search does find them before
    order_ids = list(Order.objects.filter(customer=seeded.user).values_list("pk", flat=True))
    before = fiscal_totals(order_ids)
    assert before["invoice_keys"] >= 1 and before["payments"] > 0
    request = erasure_request_create(user=seeded.user)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then nothing personal is left, anywhere
    assert request.status == ErasureRequest.Status.DONE
    found = personal_data_found(PERSONAL)
    assert found == [], found
    # and the fiscal records add up as before
    assert fiscal_totals(order_ids) == before
    assert Order.objects.filter(
        pk__in=order_ids, customer=seeded.user, full_name=ANONYMOUS_NAME
    ).count() == len(order_ids)
    # and photos and attachments left storage; the person can no longer log in
    assert seeded.files and not any(default_storage.exists(name) for name in seeded.files)
    user = User.objects.get(pk=seeded.user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert client.get("/account/").status_code == 302
    assert request.events.last().actor == f"staff:{data_protection.email}"


def test_erasure_run_twice_changes_nothing_the_second_time(
    django_capture_on_commit_callbacks, data_protection
):
    seeded = seeded_customer(django_capture_on_commit_callbacks, staff=data_protection)
    with django_capture_on_commit_callbacks(execute=True):
        customer_anonymise(user_id=seeded.user.pk)
    # when
    summary = customer_anonymise(user_id=seeded.user.pk)
    # then
    assert summary.counts == {}
    request = erasure_request_create(user=User.objects.get(pk=seeded.user.pk))
    done = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    assert erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection)) == done


def test_erasure_waits_while_an_order_is_on_its_way(data_protection):
    # given
    customer = UserFactory()
    order = OrderFactory(customer=customer, email=customer.email, status=Order.Status.PICKING)
    request = erasure_request_create(user=customer)
    # when
    with translation.override("en"):
        request = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    # then
    assert request.status == ErasureRequest.Status.WAITING
    assert request.waiting_reason == f"Order {order.number} is not finished yet (Picking)."
    customer.refresh_from_db()
    assert customer.is_active and customer.full_name != ANONYMOUS_NAME
    # and once delivered it goes through
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    request = erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))
    assert request.status == ErasureRequest.Status.DONE
    assert [event.to_status for event in request.events.all()] == ["requested", "waiting", "done"]


def test_a_second_request_while_one_is_open_returns_the_first():
    customer = UserFactory()
    first = erasure_request_create(user=customer)
    assert erasure_request_create(user=customer) == first
    assert ErasureRequest.objects.count() == 1
    assert round((first.deadline - first.created_at).total_seconds() / 86400) == 15


def test_staff_cannot_be_erased_through_a_request(make_staff):
    with pytest.raises(ErasureNotForStaff):
        erasure_request_create(user=make_staff(Role.MANAGER))


def test_refusal_needs_a_reason_and_closes_the_request(data_protection):
    request = erasure_request_create(user=UserFactory())
    with pytest.raises(ErasureRefusalReasonMissing):
        erasure_request_refuse(request_id=request.pk, actor=Actor.staff(data_protection), reason="  ")
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REQUESTED
    refused = erasure_request_refuse(
        request_id=request.pk, actor=Actor.staff(data_protection), reason="Fraude."
    )
    assert refused.status == ErasureRequest.Status.REFUSED and refused.refusal_reason == "Fraude."
    with pytest.raises(ErasureTransitionNotAllowed):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(data_protection))


def test_a_role_without_the_permission_changes_nothing(make_staff):
    request = erasure_request_create(user=UserFactory())
    with pytest.raises(PermissionMissing):
        erasure_request_carry_out(request_id=request.pk, actor=Actor.staff(make_staff(Role.SUPPORT_AGENT)))
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REQUESTED


@pytest.mark.parametrize("source", list(ERASURE_TRANSITIONS))
@pytest.mark.parametrize("target", list(ERASURE_TRANSITIONS))
def test_the_transition_table_is_the_only_way(source, target, data_protection):
    from storefront.accounts.erasure import erasure_request_transition

    request = erasure_request_create(user=UserFactory())
    ErasureRequest.objects.filter(pk=request.pk).update(status=source)
    if target in ERASURE_TRANSITIONS[source]:
        moved = erasure_request_transition(
            request_id=request.pk, to=target, actor=Actor.staff(data_protection)
        )
        assert moved.status == target
    else:
        with pytest.raises(ErasureTransitionNotAllowed):
            erasure_request_transition(request_id=request.pk, to=target, actor=Actor.staff(data_protection))
