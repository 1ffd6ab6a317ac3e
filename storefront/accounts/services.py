from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from storefront.accounts.exceptions import EmailAlreadyRegistered
from storefront.accounts.models import User
from support.notifications.models import Notification
from support.notifications.services import notification_queue


def user_sign_up(*, email: str, full_name: str, password: str, language: str) -> User:
    """Create a customer account and queue the welcome email.

    Raises EmailAlreadyRegistered when the email (in any letter case) belongs to an account,
    and ValidationError when the password is too weak.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered()
    user = User(email=email, full_name=full_name.strip(), language=language)
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
            notification_queue(
                kind=Notification.Kind.WELCOME,
                recipient=user,
                dedup_key=f"welcome:{user.pk}",
                context={"first_name": user.get_short_name()},
            )
    except IntegrityError as error:  # a concurrent sign-up won the race for this email
        raise EmailAlreadyRegistered() from error
    return user
