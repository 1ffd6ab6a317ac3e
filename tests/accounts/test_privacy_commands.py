"""manage.py privacy_erase."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order
from storefront.accounts.erasure import erasure_request_create
from storefront.accounts.models import ErasureRequest
from tests.accounts.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_dry_run_tells_and_changes_nothing():
    request = erasure_request_create(user=UserFactory())
    out = StringIO()
    call_command("privacy_erase", "--request", str(request.pk), "--dry-run", stdout=out, stderr=StringIO())
    assert f"Request #{request.pk} would erase customer" in out.getvalue()
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.REQUESTED


def test_the_command_carries_the_request_out_as_a_job():
    request = erasure_request_create(user=UserFactory())
    call_command("privacy_erase", "--request", str(request.pk), stdout=StringIO(), stderr=StringIO())
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE
    assert request.events.last().actor == "job:privacy_erase"


def test_the_command_fails_while_an_order_is_on_its_way():
    customer = UserFactory()
    OrderFactory(customer=customer, status=Order.Status.PACKED)
    request = erasure_request_create(user=customer)
    with pytest.raises(CommandError, match="waits"):
        call_command("privacy_erase", "--request", str(request.pk), stdout=StringIO(), stderr=StringIO())


def test_an_unknown_request_is_an_error():
    with pytest.raises(CommandError, match="No erasure request #404"):
        call_command("privacy_erase", "--request", "404", stdout=StringIO(), stderr=StringIO())
