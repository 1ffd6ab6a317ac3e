import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation

from storefront.accounts.exceptions import EmailAlreadyRegistered
from storefront.accounts.models import User
from storefront.accounts.services import user_sign_up
from support.notifications.models import Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_up(**overrides):
    fields = {
        "email": "Maria.Silva@Example.com.br",
        "full_name": " Maria Silva ",
        "password": "s3nha-longa-2026",
    }
    return user_sign_up(**{**fields, "language": "pt-br", **overrides})


def test_sign_up_creates_a_customer_with_a_normalised_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up()
    assert user.email == "maria.silva@example.com.br"
    assert user.full_name == "Maria Silva"
    assert not user.is_staff
    assert user.check_password("s3nha-longa-2026")


def test_sign_up_sends_the_welcome_email_in_the_customers_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(language="en")
    notification = Notification.objects.get(recipient=user)
    assert notification.kind == Notification.Kind.WELCOME
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria.silva@example.com.br"]
    assert mail.outbox[0].subject == "Welcome to Loja Aurora"
    assert "Hello, Maria!" in mail.outbox[0].body


def test_welcome_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up()
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_an_email_already_registered_in_any_case_is_refused_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="maria.silva@example.com.br")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EmailAlreadyRegistered):
        sign_up(email="MARIA.SILVA@example.com.br")
    assert User.objects.count() == 1
    assert not Notification.objects.exists()


def test_a_weak_password_is_refused_and_creates_nothing():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        sign_up(password="12345678")
    assert "This password is entirely numeric." in error.value.messages
    assert not User.objects.exists()
    assert not Notification.objects.exists()


def test_login_accepts_the_email_in_any_case(client):
    UserFactory(email="joao@example.com.br")
    # django-axes watches every authentication, so it needs the request (here a bare one)
    assert client.login(request=HttpRequest(), username="JOAO@Example.com.br", password="senha-forte-2026")
