from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.actor import Actor
from storefront.accounts.exceptions import EmailAlreadyRegistered
from storefront.accounts.models import User
from support.notifications.models import Notification
from support.notifications.services import notification_queue


def user_sign_up(*, email: str, full_name: str, password: str, language: str) -> User:
    """Create a customer account and queue the welcome email.

    Raises EmailAlreadyRegistered when the email (in any letter case) belongs to an account,
    and ValidationError, keyed by field, when the password is too weak.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered()
    user = User(email=email, full_name=full_name.strip(), language=language)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    # Uniqueness is the database's call: a concurrent sign-up surfaces as IntegrityError below.
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
            notification_queue(
                kind=Notification.Kind.WELCOME,
                recipient=user,
                dedup_key=f"welcome:{user.pk}",
                context={"first_name": user.get_short_name()},
            )
    except IntegrityError as error:
        raise EmailAlreadyRegistered() from error
    return user


@transaction.atomic
def staff_user_ensure(
    *, email: str, full_name: str, password: str, group_names: list[str]
) -> tuple[User, bool]:
    """Make sure a staff account in these groups exists; the password is only set on creation."""
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password, full_name=full_name, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=group_names))
    return user, created


@transaction.atomic
def customer_ensure(*, email: str, full_name: str, language: str = "pt-br") -> User:
    """The customer with this email, or a new account for them (made by staff for an assisted
    sale: no password until they set one)."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    user = User(email=email, full_name=full_name.strip(), language=language)
    user.set_unusable_password()
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created by a concurrent request meanwhile
        return User.objects.get(email__iexact=email)
    return user


@transaction.atomic
def login_lock_release(*, actor: Actor, username: str = "", ip_address: str = "") -> int:
    """Unlock logins locked after failed attempts: an account (from every address) or an
    address (for every account). Returns how many failure records were cleared.

    Raises PermissionMissing.
    """
    actor.require_perm("axes.delete_accessattempt")
    if bool(username) == bool(ip_address):
        raise ValueError("Unlock either an account or an address.")
    if username:
        return axes_reset(username=username.strip().lower())
    return axes_reset(ip=ip_address)
