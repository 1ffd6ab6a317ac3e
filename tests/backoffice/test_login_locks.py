"""Managers see locked logins and unlock them; other roles cannot."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from storefront.accounts.services import login_lock_release
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HERE = "203.0.113.7"


def log_in(client, email: str, password: str = TEST_PASSWORD, address: str = HERE):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def lock_account(client, email: str, address: str = HERE) -> None:
    for _ in range(5):
        log_in(client, email, "senha-errada", address)
    assert log_in(client, email, address=address).status_code == 429


def lock_address(client) -> None:
    for number in range(30):
        log_in(client, f"vitima{number}@example.com.br", "senha-errada")


def test_a_manager_sees_the_locked_account_and_address(client, staff_client, customer):
    # given
    lock_account(client, customer.email)
    lock_address(client)
    # when
    response = staff_client(Role.MANAGER).get(
        reverse("backoffice:login-lock-list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    # then
    assert response.status_code == 200
    [account] = response.context["account_locks"]
    assert (account.username, account.ip_address, account.failures) == (customer.email, HERE, 5)
    [address] = response.context["address_locks"]
    # the address locked at its thirtieth failure; later tries were refused without counting
    assert (address.ip_address, address.accounts, address.failures) == (HERE, 26, 30)
    assert "Unlock account" in response.content.decode()


def test_an_account_locked_from_every_address_is_listed_and_unlocked_everywhere(
    client, staff_client, customer
):
    # given: wrong passwords for one account from twenty addresses
    for number in range(20):
        log_in(client, customer.email, "senha-errada", address=f"192.0.2.{number + 1}")
    manager = staff_client(Role.MANAGER)
    # when
    page = manager.get(reverse("backoffice:login-lock-list"), HTTP_ACCEPT_LANGUAGE="en")
    manager.post(reverse("backoffice:login-lock-release"), {"username": customer.email})
    # then
    [account] = page.context["account_locks"]
    assert (account.username, account.ip_address, account.failures) == (customer.email, None, 20)
    assert "Every address" in page.content.decode()
    assert log_in(Client(), customer.email, address="198.51.100.99").status_code == 302


def test_a_manager_unlocks_an_account_and_the_customer_logs_in_again(client, staff_client, customer):
    # given
    lock_account(client, customer.email)
    manager = staff_client(Role.MANAGER)
    # when
    response = manager.post(
        reverse("backoffice:login-lock-release"),
        {"username": customer.email.upper()},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then
    assert f"Unlocked: {customer.email.upper()} can log in again." in response.content.decode()
    assert response.context["account_locks"] == []
    assert log_in(Client(), customer.email).status_code == 302


def test_a_manager_unlocks_an_address(client, staff_client, customer):
    lock_address(client)
    assert log_in(client, customer.email).status_code == 429
    response = staff_client(Role.MANAGER).post(
        reverse("backoffice:login-lock-release"), {"ip_address": HERE}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address=HERE).exists()
    assert log_in(Client(), customer.email).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an account or an address to unlock."),
        ({"username": "a@example.com.br", "ip_address": HERE}, "Choose an account or an address to unlock."),
        ({"ip_address": "not an address"}, "Enter a valid IPv4 or IPv6 address."),
    ],
)
def test_an_unclear_unlock_says_so_and_changes_nothing(client, staff_client, customer, data, message):
    lock_account(client, customer.email)
    response = staff_client(Role.MANAGER).post(
        reverse("backoffice:login-lock-release"), data, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert message in response.content.decode()
    assert AccessAttempt.objects.filter(username=customer.email).exists()


@pytest.mark.parametrize("role", [role for role in Role.values if role != Role.MANAGER])
def test_other_roles_cannot_unlock(client, staff_client, customer, role):
    lock_account(client, customer.email)
    response = staff_client(role).post(reverse("backoffice:login-lock-release"), {"username": customer.email})
    assert response.status_code == 403
    assert log_in(Client(), customer.email).status_code == 429


def test_the_unlock_service_refuses_staff_without_the_permission(client, make_staff, customer):
    lock_account(client, customer.email)
    with pytest.raises(PermissionMissing):
        login_lock_release(actor=Actor.staff(make_staff(Role.WAREHOUSE)), username=customer.email)
    assert AccessAttempt.objects.filter(username=customer.email).exists()


def test_a_manager_can_also_clear_locks_in_the_admin(client, staff_client, customer):
    # given
    lock_account(client, customer.email)
    attempt = AccessAttempt.objects.get()
    manager = staff_client(Role.MANAGER)
    # when
    listing = manager.get(reverse("admin:axes_accessattempt_changelist"))
    deleted = manager.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    # then
    assert listing.status_code == 200
    assert deleted.status_code == 302
    assert log_in(Client(), customer.email).status_code == 302


def test_a_warehouse_worker_cannot_open_the_locks_in_the_admin(staff_client):
    assert staff_client(Role.WAREHOUSE).get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_locked_logins_page_has_bounded_queries(client, staff_client, django_assert_max_num_queries):
    for number in range(10):
        lock_account(client, UserFactory().email, address=f"198.51.100.{number}")
    manager = staff_client(Role.MANAGER)
    with django_assert_max_num_queries(8):
        response = manager.get(reverse("backoffice:login-lock-list"))
    assert len(response.context["account_locks"]) == 10
