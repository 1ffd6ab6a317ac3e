import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from storefront.accounts import views
from storefront.accounts.models import User
from support.notifications.models import Notification
from support.notifications.tasks import notification_deliver
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Ana Souza",
    "email": "ana@example.com.br",
    "password": "s3nha-longa-2026",
    "password_confirm": "s3nha-longa-2026",
}


def post_sign_up(client, language: str, **overrides):
    return client.post(
        reverse("accounts:user-sign-up"), {**VALID, **overrides}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_sign_up_logs_the_customer_in(client):
    response = post_sign_up(client, "pt-br")
    assert response.status_code == 302
    assert response.url == reverse("accounts:account-detail")
    page = client.get(response.url)
    assert page.context["user"].email == "ana@example.com.br"
    assert User.objects.get().language == "pt-br"


@pytest.mark.parametrize(
    ("language", "overrides", "field", "message"),
    [
        (
            "pt-br",
            {"email": "ANA@example.com.br"},
            "email",
            "Já existe uma conta com este e-mail. Entre ou redefina sua senha.",
        ),
        (
            "en",
            {"email": "ANA@example.com.br"},
            "email",
            "An account with this email already exists. Log in or reset your password.",
        ),
        ("pt-br", {"email": "ana@"}, "email", "Informe um endereço de email válido."),
        ("en", {"email": "ana@"}, "email", "Enter a valid email address."),
        (
            "pt-br",
            {"email": "nova@example.com.br", "password": "12345678", "password_confirm": "12345678"},
            "password",
            "Esta senha é inteiramente numérica.",
        ),
        (
            "en",
            {"email": "nova@example.com.br", "password": "12345678", "password_confirm": "12345678"},
            "password",
            "This password is entirely numeric.",
        ),
        (
            "pt-br",
            {"email": "nova@example.com.br", "password_confirm": "outra-senha-2026"},
            "password_confirm",
            "As duas senhas não conferem.",
        ),
        (
            "en",
            {"email": "nova@example.com.br", "password_confirm": "outra-senha-2026"},
            "password_confirm",
            "The two passwords do not match.",
        ),
    ],
)
def test_bad_sign_up_shows_the_error_on_the_field_and_changes_nothing(
    client, language, overrides, field, message
):
    UserFactory(email="ana@example.com.br")
    response = post_sign_up(client, language, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_sign_up_succeeds_when_the_mail_server_is_down(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    # as configured without a broker: tasks run in-process and record their own failures
    monkeypatch.setitem(notification_deliver.app.conf, "task_eager_propagates", False)
    down = smtplib.SMTPConnectError(421, "try later")
    with (
        mock.patch("support.notifications.services.EmailMultiAlternatives.send", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_sign_up(client, "pt-br")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.FAILED
    assert notification.last_error == "(421, 'try later')"


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(email="ana@example.com.br")
    response = client.post(
        reverse("accounts:login"),
        {"username": "ana@example.com.br", "password": "errada"},
        HTTP_ACCEPT_LANGUAGE="pt-br",
    )
    assert response.status_code == 200
    assert "E-mail ou senha incorretos." in response.content.decode()


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account-detail"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_account_page_shows_only_the_logged_in_customer(client, django_assert_max_num_queries):
    ana, _other = UserFactory(email="ana@example.com.br"), UserFactory(email="bia@example.com.br")
    client.force_login(ana)
    with django_assert_max_num_queries(views.ACCOUNT_DETAIL_QUERIES):
        response = client.get(reverse("accounts:account-detail"))
    assert "ana@example.com.br" in response.content.decode()
    assert "bia@example.com.br" not in response.content.decode()


def test_language_switch_is_remembered(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Featured products" in client.get(reverse("catalog:home")).content.decode()
    client.post(reverse("set_language"), {"language": "pt-br", "next": "/"})
    assert "Produtos em destaque" in client.get(reverse("catalog:home")).content.decode()
