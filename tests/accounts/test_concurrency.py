from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from storefront.accounts.exceptions import EmailAlreadyRegistered
from storefront.accounts.models import Address, User
from storefront.accounts.services import address_create, user_sign_up
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.accounts.test_addresses import RIO

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sign_ups_racing_for_one_email_create_one_account():
    racers = 4
    barrier = Barrier(racers)

    def attempt(index: int) -> str:
        barrier.wait()
        try:
            user_sign_up(
                email="corrida@example.com.br",
                full_name=f"Cliente {index}",
                password="s3nha-longa-2026",
                language="pt-br",
            )
        except EmailAlreadyRegistered:
            return "refused"
        finally:
            connection.close()
        return "created"

    with ThreadPoolExecutor(max_workers=racers) as pool:
        outcomes = sorted(pool.map(attempt, range(racers)))

    assert outcomes == ["created"] + ["refused"] * (racers - 1)
    assert User.objects.filter(email="corrida@example.com.br").count() == 1
    assert Notification.objects.count() == 1


def test_addresses_added_and_made_default_at_once_leave_exactly_one_default():
    customer = UserFactory()
    racers = 4
    barrier = Barrier(racers)

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            address_create(
                customer=customer, is_default=index % 2 == 0, **{**RIO, "street_number": str(index)}
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=racers) as pool:
        list(pool.map(attempt, range(racers)))

    assert Address.objects.filter(customer=customer).count() == racers
    assert Address.objects.filter(customer=customer, is_default=True).count() == 1
