"""Login lockout on the store, back-office and admin login pages (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["accounts:login", "backoffice:login", "admin:login"]
HERE, ELSEWHERE = "203.0.113.7", "198.51.100.20"
LOCKED = (
    "Too many failed login attempts. For your security, logging in is blocked for 15 minutes. "
    "Try again later, or contact us to have it unlocked sooner."
)


def log_in(client, page: str, email: str, password: str = TEST_PASSWORD, address: str = HERE):
    return client.post(
        reverse(page),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def fail(client, page: str, email: str, times: int, address: str = HERE) -> None:
    for _ in range(times):
        assert log_in(client, page, email, "senha-errada", address).status_code in (200, 429)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_fifty_wrong_passwords_lock_the_login_and_the_page_says_why(client, make_staff, page):
    # given
    staff = make_staff(Role.MANAGER)
    fail(client, page, staff.email, 49)
    # when
    fiftieth = log_in(client, page, staff.email, "senha-errada")
    right = log_in(client, page, staff.email)
    # then
    for response in (fiftieth, right):
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert response.context["form"].non_field_errors() == [LOCKED]
    assert not is_logged_in(client)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_login_locks_at_the_fifth_wrong_password(client, make_staff, page):
    staff = make_staff(Role.MANAGER)
    fail(client, page, staff.email, 4)
    assert log_in(client, page, staff.email, "senha-errada").status_code == 429
    assert log_in(client, page, staff.email).status_code == 429


def test_four_wrong_passwords_then_the_right_one_let_the_customer_in_and_start_the_count_again(
    client, customer
):
    fail(client, "accounts:login", customer.email, 4)
    assert log_in(client, "accounts:login", customer.email).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_letter_case_of_the_email_does_not_buy_more_tries(client):
    UserFactory(email="ana@example.com.br")
    for email in ("Ana@Example.com.br", "ANA@EXAMPLE.COM.BR", "ana@example.com.br", "aNa@example.com.br"):
        fail(client, "accounts:login", email, 1)
    fail(client, "accounts:login", "ana@Example.com.br", 1)
    assert log_in(client, "accounts:login", "ana@example.com.br").status_code == 429


def test_another_account_from_the_same_address_still_logs_in(client, customer, make_staff):
    # given: the customer's login is locked at this address
    fail(client, "accounts:login", customer.email, 50)
    other = make_staff(Role.WAREHOUSE)
    # when
    response = log_in(client, "backoffice:login", other.email)
    # then
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_stranger_cannot_lock_a_customer_out_from_elsewhere(client, customer):
    fail(client, "accounts:login", customer.email, 50, address=ELSEWHERE)
    response = log_in(client, "accounts:login", customer.email, address=HERE)
    assert response.status_code == 302


def test_guessing_one_password_from_many_addresses_locks_the_account_everywhere(client, customer):
    # given: twenty wrong passwords, each from another address
    for number in range(20):
        fail(client, "accounts:login", customer.email, 1, address=f"192.0.2.{number + 1}")
    # when the right one comes from yet another address
    response = log_in(client, "accounts:login", customer.email, address=ELSEWHERE)
    # then
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not is_logged_in(client)


def test_a_few_failures_from_several_addresses_lock_no_one(client, customer):
    for number in range(19):
        fail(client, "accounts:login", customer.email, 1, address=f"192.0.2.{number + 1}")
    assert log_in(client, "accounts:login", customer.email, address=ELSEWHERE).status_code == 302


def test_ipv6_addresses_of_one_network_count_as_one_address(client, customer):
    # given: fifty guesses, each from another address of one /64
    for number in range(50):
        fail(client, "accounts:login", customer.email, 1, address=f"2001:db8:1:2::{number + 1:x}")
    # when
    response = log_in(client, "accounts:login", customer.email, address="2001:db8:1:2::ffff")
    # then
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8:1:2::"


def test_an_address_trying_many_accounts_is_locked_for_every_account(client, customer):
    # given: a list of stolen passwords tried against thirty accounts from one address
    for number in range(30):
        fail(client, "accounts:login", f"vitima{number}@example.com.br", 1)
    # when
    here = log_in(client, "accounts:login", customer.email)
    elsewhere = log_in(client, "accounts:login", customer.email, address=ELSEWHERE)
    # then
    assert here.status_code == 429
    assert LOCKED in here.content.decode()
    assert elsewhere.status_code == 302


def test_a_few_failures_from_a_shared_address_lock_no_one_else(client, customer):
    for number in range(29):
        fail(client, "accounts:login", f"cliente{number}@example.com.br", 1)
    assert log_in(client, "accounts:login", customer.email).status_code == 302


def test_the_lock_lifts_by_itself_after_fifteen_minutes(client, customer):
    fail(client, "accounts:login", customer.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "accounts:login", customer.email).status_code == 302


def test_behind_our_own_proxy_the_address_is_the_one_it_saw(client, customer, settings):
    # given: one proxy of ours in front, which appends the address it saw; what is left of it
    # came from the visitor and may be forged
    settings.STORE_TRUSTED_PROXY_COUNT = 1
    for forged in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": customer.email, "password": "senha-errada"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, {HERE}",
        )
    # when
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=HERE,
    )
    # then
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HERE}
    assert response.status_code == 429
