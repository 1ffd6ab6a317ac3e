from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.cep import normalize_cep, state_for_cep, validate_cep
from core.cpf import only_digits, validate_cpf
from storefront.accounts.exceptions import AddressLimitReached, AddressNotFound, EmailAlreadyRegistered
from storefront.accounts.locks import lock_customer
from storefront.accounts.models import ADDRESS_FIELDS, STATES, Address, CustomerProfile, User
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


# A customer keeps at most this many addresses: the account page and checkout list them all.
MAX_ADDRESSES = 20


def _clean_cpf(cpf: str) -> str:
    cpf = only_digits(cpf)
    if cpf:
        try:
            validate_cpf(cpf)
        except ValidationError as error:
            raise ValidationError({"cpf": error.error_list}) from error
    return cpf


def _clean_phone(phone: str) -> str:
    phone = only_digits(phone)
    if len(phone) > 11:  # typed with the country code
        phone = phone.removeprefix("55")
    if phone and (len(phone) not in (10, 11) or phone[0] == "0"):
        raise ValidationError(
            {"phone": _("Enter the phone with its area code, e.g. (11) 98765-4321.")}, code="phone"
        )
    return phone


@transaction.atomic
def profile_update(*, user: User, full_name: str, cpf: str, phone: str) -> CustomerProfile:
    """Keep the customer's name, CPF and mobile phone, which checkout fills in.

    Raises ValidationError, keyed by field, for a CPF or phone that is not one (nothing saved).
    """
    cpf, phone, full_name = _clean_cpf(cpf), _clean_phone(phone), " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter your name.")}, code="required")
    profile, _created = CustomerProfile.objects.select_for_update().get_or_create(user=user)
    profile.cpf, profile.phone = cpf, phone
    profile.save(update_fields=["cpf", "phone", "updated_at"])
    if user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name", "updated_at"])
    return profile


@transaction.atomic
def profile_fill_blanks(*, user: User, cpf: str, phone: str) -> CustomerProfile:
    """Keep the CPF and phone typed at checkout where the profile has none yet; what the
    customer kept on purpose is never overwritten. Values that do not check out are skipped."""
    profile, _created = CustomerProfile.objects.select_for_update().get_or_create(user=user)
    changed = []
    try:
        cpf = _clean_cpf(cpf)
    except ValidationError:
        cpf = ""
    try:
        phone = _clean_phone(phone)
    except ValidationError:
        phone = ""
    if cpf and not profile.cpf:
        profile.cpf = cpf
        changed.append("cpf")
    if phone and not profile.phone:
        profile.phone = phone
        changed.append("phone")
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    return profile


def _address_clean(fields: dict[str, str]) -> dict[str, str]:
    cleaned = {name: " ".join(str(fields.get(name, "")).split()) for name in ADDRESS_FIELDS}
    cleaned["cep"], cleaned["state"] = normalize_cep(cleaned["cep"]), cleaned["state"].upper()
    errors: dict[str, list] = {}
    if cleaned["state"] not in STATES:
        errors["state"] = [ValidationError(_("Choose the state."), code="state")]
    try:
        validate_cep(cleaned["cep"])
    except ValidationError as error:
        errors["cep"] = error.error_list
    else:
        if cleaned["state"] in STATES and state_for_cep(cleaned["cep"]) != cleaned["state"]:
            errors["cep"] = [
                ValidationError(
                    _("This CEP belongs to %(state)s, not %(chosen)s.")
                    % {"state": state_for_cep(cleaned["cep"]), "chosen": cleaned["state"]},
                    code="cep_state",
                )
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _address_get(*, customer: User, address_id: int) -> Address:
    address = Address.objects.filter(pk=address_id, customer=customer).first()
    if address is None:
        raise AddressNotFound()
    return address


def _default_move(*, customer: User, to: Address) -> None:
    """Make `to` the default. Caller holds the customer lock. The old default is cleared first:
    the database allows one default per customer at any moment."""
    Address.objects.filter(customer=customer, is_default=True).exclude(pk=to.pk).update(
        is_default=False, updated_at=timezone.now()
    )
    if not to.is_default:
        to.is_default = True
        to.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def address_create(*, customer: User, label: str = "", is_default: bool = False, **fields: str) -> Address:
    """Keep a new address; the customer's first one, or one asked to be, becomes the default.

    `fields` are the ADDRESS_FIELDS. Raises ValidationError, keyed by field (nothing saved),
    or AddressLimitReached.
    """
    cleaned = _address_clean(fields)
    lock_customer(customer.pk)
    count = Address.objects.filter(customer=customer).count()
    if count >= MAX_ADDRESSES:
        raise AddressLimitReached(limit=MAX_ADDRESSES)
    address = Address(customer=customer, label=" ".join(label.split()), **cleaned)
    address.full_clean(exclude=["customer", "is_default"], validate_constraints=False)
    address.save()
    if is_default or count == 0:
        _default_move(customer=customer, to=address)
    return address


@transaction.atomic
def address_remember(*, customer: User, **fields: str) -> Address:
    """The customer's address with these fields, kept as a new one unless they have it already
    (an address typed at checkout and asked to be saved). Raises as `address_create`."""
    cleaned = _address_clean(fields)
    lock_customer(customer.pk)
    same = Address.objects.filter(customer=customer, **cleaned).first()
    return same or address_create(customer=customer, **cleaned)


@transaction.atomic
def address_update(
    *, customer: User, address_id: int, label: str = "", is_default: bool = False, **fields: str
) -> Address:
    """Change one of the customer's addresses (asking for it to be the default makes it so).

    Raises AddressNotFound for an address that is not theirs, or ValidationError (nothing saved).
    """
    cleaned = _address_clean(fields)
    lock_customer(customer.pk)
    address = _address_get(customer=customer, address_id=address_id)
    for name, value in cleaned.items():
        setattr(address, name, value)
    address.label = " ".join(label.split())
    address.full_clean(exclude=["customer", "is_default"], validate_constraints=False)
    address.save(update_fields=[*ADDRESS_FIELDS, "label", "updated_at"])
    if is_default:
        _default_move(customer=customer, to=address)
    return address


@transaction.atomic
def address_set_default(*, customer: User, address_id: int) -> Address:
    """Make one of the customer's addresses the default. Raises AddressNotFound."""
    lock_customer(customer.pk)
    address = _address_get(customer=customer, address_id=address_id)
    _default_move(customer=customer, to=address)
    return address


@transaction.atomic
def address_delete(*, customer: User, address_id: int) -> None:
    """Forget one of the customer's addresses; when it was the default, the newest of the others
    becomes the default. Orders keep their own copy of the address. Raises AddressNotFound."""
    lock_customer(customer.pk)
    address = _address_get(customer=customer, address_id=address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        newest = Address.objects.filter(customer=customer).order_by("-created_at", "-pk").first()
        if newest is not None:
            _default_move(customer=customer, to=newest)


@transaction.atomic
def user_email_change(*, user: User, email: str) -> User:
    """Log the customer in with another email from now on, and tell the old address.
    The caller has checked the customer's password.

    Raises EmailAlreadyRegistered when the email belongs to another account.
    """
    email = User.objects.normalize_email(email).strip().lower()
    old_email = user.email
    if email == old_email:
        return user
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise EmailAlreadyRegistered()
    user.email = email
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "updated_at"])
    except IntegrityError as error:
        raise EmailAlreadyRegistered() from error
    notification_queue(
        kind=Notification.Kind.EMAIL_CHANGED,
        recipient=user,
        to_address=old_email,
        dedup_key=f"email_changed:{user.pk}:{email}:{timezone.now().timestamp()}",
        context={"first_name": user.get_short_name(), "new_email": email},
    )
    return user
