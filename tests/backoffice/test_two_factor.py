"""Staff two-factor login (TOTP): enrolment, the code at login, and roles that require it."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.models import RolePolicy
from backoffice.roles import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.backoffice.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")
SETUP = reverse("backoffice:two-factor-setup")
CODE = reverse("backoffice:login-code")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def asked_for(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def password_login(client, page: str, user) -> None:
    response = client.post(reverse(page), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def require_two_factor(*roles: str) -> None:
    for role in roles:
        RolePolicy.objects.update_or_create(
            group=Group.objects.get(name=role), defaults={"requires_two_factor": True}
        )


# Enrolment


def test_staff_turn_on_two_factor_login_by_scanning_the_code_and_confirming_it(client, make_staff):
    # given
    staff = make_staff(Role.WAREHOUSE)
    client.force_login(staff)
    # when
    page = client.get(SETUP, **ENGLISH)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(SETUP, {"code": totp_code(device), "next": HOME}, follow=True, **ENGLISH)
    # then
    assert page.context["qr"].startswith("data:image/svg+xml")
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert response.redirect_chain == [(HOME, 302)]
    assert "Two-factor login is on: each back-office login now asks for a code from your app." in (
        response.content.decode()
    )
    device.refresh_from_db()
    assert device.confirmed


def test_showing_the_setup_page_again_keeps_the_same_key(client, make_staff):
    client.force_login(make_staff())
    first, second = client.get(SETUP), client.get(SETUP)
    assert first.context["secret"] == second.context["secret"]
    assert TOTPDevice.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("000000", "This code is not right. Enter the 6-digit code your authenticator app shows now."),
        ("12345", "Enter the 6 digits your authenticator app shows."),
        ("abcdef", "Enter the 6 digits your authenticator app shows."),
    ],
)
def test_a_wrong_code_at_enrolment_says_so_and_turns_nothing_on(client, make_staff, code, message):
    staff = make_staff()
    client.force_login(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    if code == "000000" and totp_code(device) == code:
        code = "000001"
    response = client.post(SETUP, {"code": code}, **ENGLISH)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [message]
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_wrong_codes_in_a_row_make_the_next_try_wait(client, make_staff):
    staff = make_staff()
    device = totp_device(staff)
    device.throttling_failure_count, device.throttling_failure_timestamp = 5, timezone.now()
    device.save()
    password_login(client, "backoffice:login", staff)
    response = client.post(CODE, {"code": totp_code(device)}, **ENGLISH)
    [error] = response.context["form"].errors["code"]
    assert error.startswith("Too many wrong codes in a row. Wait ")
    assert client.get(HOME).status_code == 302


def test_customers_cannot_set_up_two_factor_login(client, customer):
    client.force_login(customer)
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_customers_log_in_to_the_store_without_a_code(client, customer):
    password_login(client, "accounts:login", customer)
    assert client.get(reverse("accounts:account-detail")).status_code == 200


# Logging in with the code


@pytest.mark.parametrize("page", ["backoffice:login", "accounts:login"])
def test_once_enrolled_the_back_office_asks_for_the_code_after_the_password(client, make_staff, page):
    # given
    staff = make_staff(Role.MANAGER)
    device = totp_device(staff)
    password_login(client, page, staff)
    # when
    before = client.get(reverse("backoffice:customer-list"))
    response = client.post(CODE, {"code": totp_code(device), "next": reverse("backoffice:customer-list")})
    # then
    assert before.status_code == 302
    assert before.url == asked_for("backoffice:login-code", reverse("backoffice:customer-list"))
    assert response.status_code == 302
    assert response.url == reverse("backoffice:customer-list")
    assert client.get(response.url).status_code == 200


def test_the_staff_login_page_leads_to_the_code_page(client, make_staff):
    staff = make_staff(Role.MANAGER)
    totp_device(staff)
    response = client.post(
        reverse("backoffice:login"), {"username": staff.email, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(HOME, 302), (asked_for("backoffice:login-code", HOME), 302)]
    assert response.templates[0].name == "backoffice/login_code.html"


def test_the_admin_asks_for_the_code_after_the_password(client, make_staff):
    # given
    staff = make_staff(Role.MANAGER)
    device = totp_device(staff)
    admin_index = reverse("admin:index")
    # when
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": TEST_PASSWORD, "next": admin_index},
        follow=True,
    )
    # then
    assert response.redirect_chain[-1] == (asked_for("backoffice:login-code", admin_index), 302)
    confirmed = client.post(CODE, {"code": totp_code(device), "next": admin_index})
    assert confirmed.url == admin_index
    assert client.get(admin_index).status_code == 200


def test_a_wrong_code_at_login_says_so_and_keeps_the_back_office_closed(client, make_staff):
    staff = make_staff(Role.MANAGER)
    device = totp_device(staff)
    password_login(client, "backoffice:login", staff)
    wrong = "000000" if totp_code(device) != "000000" else "000001"
    response = client.post(CODE, {"code": wrong}, **ENGLISH)
    assert response.context["form"].errors["code"] == [
        "This code is not right. Enter the 6-digit code your authenticator app shows now."
    ]
    assert client.get(HOME).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_code_works_only_once(client, make_staff):
    staff = make_staff(Role.MANAGER)
    device = totp_device(staff)
    code = totp_code(device)
    password_login(client, "backoffice:login", staff)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_login(client, "backoffice:login", staff)
    assert client.post(CODE, {"code": code}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_the_code_page_sends_only_to_our_own_pages(client, make_staff):
    staff = make_staff()
    device = totp_device(staff)
    password_login(client, "backoffice:login", staff)
    response = client.post(CODE, {"code": totp_code(device), "next": "https://example.com/"})
    assert response.url == HOME


def test_replacing_or_turning_off_the_authenticator_needs_this_logins_code(client, make_staff):
    staff = make_staff()
    totp_device(staff)
    password_login(client, "backoffice:login", staff)
    assert client.get(SETUP).url == asked_for("backoffice:login-code", SETUP)
    assert client.post(reverse("backoffice:two-factor-remove")).url.startswith(CODE)
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1


def test_staff_turn_two_factor_login_off(client, make_staff):
    staff = make_staff(Role.WAREHOUSE)
    device = totp_device(staff)
    password_login(client, "backoffice:login", staff)
    client.post(CODE, {"code": totp_code(device)})
    response = client.post(reverse("backoffice:two-factor-remove"), follow=True, **ENGLISH)
    assert "Two-factor login is off." in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(HOME).status_code == 200


# Roles that require it


def test_a_manager_requires_two_factor_login_of_a_role(staff_client):
    manager = staff_client(Role.MANAGER)
    response = manager.post(
        reverse("backoffice:role-policy-update"),
        {"two_factor_roles": [Role.WAREHOUSE, Role.SHIPPING]},
        follow=True,
        **ENGLISH,
    )
    assert "The roles that require two-factor login were saved." in response.content.decode()
    assert set(RolePolicy.objects.filter(requires_two_factor=True).values_list("group__name", flat=True)) == {
        Role.WAREHOUSE,
        Role.SHIPPING,
    }
    assert sorted(
        manager.get(reverse("backoffice:role-policy-list")).context["form"].initial["two_factor_roles"]
    ) == [Role.SHIPPING, Role.WAREHOUSE]


def test_a_manager_stops_requiring_it(staff_client):
    require_two_factor(Role.WAREHOUSE)
    staff_client(Role.MANAGER).post(reverse("backoffice:role-policy-update"), {})
    assert not RolePolicy.objects.filter(requires_two_factor=True).exists()


@pytest.mark.parametrize("role", [role for role in Role.values if role != Role.MANAGER])
def test_other_roles_cannot_choose_which_roles_require_it(staff_client, role):
    response = staff_client(role).post(
        reverse("backoffice:role-policy-update"), {"two_factor_roles": [Role.WAREHOUSE]}
    )
    assert response.status_code == 403
    assert not RolePolicy.objects.exists()


def test_an_unknown_role_changes_nothing(staff_client):
    require_two_factor(Role.WAREHOUSE)
    response = staff_client(Role.MANAGER).post(
        reverse("backoffice:role-policy-update"), {"two_factor_roles": ["Intern"]}, follow=True, **ENGLISH
    )
    assert "Choose roles from the list." in response.content.decode()
    assert list(
        RolePolicy.objects.filter(requires_two_factor=True).values_list("group__name", flat=True)
    ) == [Role.WAREHOUSE]


def test_a_role_requiring_two_factor_sends_its_members_to_enrol_first(client, make_staff):
    # given
    require_two_factor(Role.WAREHOUSE)
    staff = make_staff(Role.WAREHOUSE)
    password_login(client, "backoffice:login", staff)
    stock = reverse("backoffice:stock-search")
    # when
    sent = client.get(stock)
    setup = client.get(sent.url, **ENGLISH)
    device = TOTPDevice.objects.get(user=staff)
    enrolled = client.post(SETUP, {"code": totp_code(device), "next": stock})
    # then
    assert sent.url == asked_for("backoffice:two-factor-setup", stock)
    assert "Your role requires two-factor login. Set it up to go on to the back office." in (
        setup.content.decode()
    )
    assert enrolled.url == stock
    assert client.get(stock).status_code == 200


def test_a_role_requiring_two_factor_closes_the_admin_until_enrolment(client, make_staff):
    require_two_factor(Role.MANAGER)
    client.force_login(make_staff(Role.MANAGER))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)


def test_staff_of_a_role_requiring_it_cannot_turn_it_off(client, make_staff):
    require_two_factor(Role.WAREHOUSE)
    staff = make_staff(Role.WAREHOUSE)
    device = totp_device(staff)
    password_login(client, "backoffice:login", staff)
    client.post(CODE, {"code": totp_code(device)})
    response = client.post(reverse("backoffice:two-factor-remove"), follow=True, **ENGLISH)
    assert "Your role requires two-factor login, so it cannot be turned off." in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_other_roles_are_not_asked_to_enrol(staff_client):
    require_two_factor(Role.WAREHOUSE)
    assert staff_client(Role.SHIPPING).get(HOME).status_code == 200
