from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cep import STATE_RANGES
from core.cpf import format_cpf
from core.models import TimeStampedModel

STATES = sorted({state for state, _start, _end in STATE_RANGES})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """Anyone who logs in: customers and staff alike. Staff have `is_staff` and roles (groups)."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(_("preferred language"), max_length=10, default="pt-br")
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can log into the back office.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        indexes = [
            models.Index(fields=["is_staff", "-date_joined"], name="user_customer_list_idx"),
            models.Index(fields=["email"], name="user_email_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CustomerProfile(TimeStampedModel):
    """What a customer tells the store once, so checkout fills it in: CPF and mobile phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="profile"
    )
    cpf = models.CharField(_("CPF"), max_length=11, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user_id)

    @property
    def cpf_display(self) -> str:
        return format_cpf(self.cpf)

    @property
    def phone_display(self) -> str:
        """(11) 98765-4321 or (11) 3456-7890."""
        if len(self.phone) not in (10, 11):
            return self.phone
        return f"({self.phone[:2]}) {self.phone[2:-4]}-{self.phone[-4:]}"


class Address(TimeStampedModel):
    """An address a customer keeps to deliver to; one of a customer's addresses is their default."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    label = models.CharField(_("name of the address"), max_length=40, blank=True)
    cep = models.CharField(_("CEP"), max_length=8)
    street = models.CharField(_("street"), max_length=200)
    street_number = models.CharField(_("number"), max_length=20)
    complement = models.CharField(_("complement"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["customer_id", "-is_default", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_default=True), name="address_one_default_per_customer"
            ),
            models.CheckConstraint(condition=Q(state__in=STATES), name="address_state_known"),
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.street_number} - {self.city}/{self.state}"

    def checkout_fields(self) -> dict[str, str]:
        """The address as the checkout form names its fields."""
        return {field: getattr(self, field) for field in ADDRESS_FIELDS}


# The address fields an address shares with the checkout form and the order.
ADDRESS_FIELDS = ("cep", "street", "street_number", "complement", "district", "city", "state")


# The law (LGPD art. 19, II) gives the store 15 days to answer a data subject's request.
ERASURE_DEADLINE_DAYS = 15


class ErasureRequest(TimeStampedModel):
    """A customer's request to have their personal data erased (LGPD art. 18, VI).

    Data protection staff carry it out or refuse it; while an order is on its way or a return
    is open, it waits. Carried out, the person is anonymised and the fiscal records stay.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        WAITING = "waiting", _("Waiting for orders or returns to close")
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused")

    OPEN_STATUSES = (Status.REQUESTED, Status.WAITING)

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    deadline = models.DateTimeField(_("answer due by"))
    waiting_reason = models.TextField(_("why it waits"), blank=True)
    refusal_reason = models.TextField(_("why it was refused"), blank=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    summary = models.JSONField(_("what was erased"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["deadline", "pk"]
        permissions = [("decide_erasurerequest", _("Can carry out or refuse erasure requests"))]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["requested", "waiting"]),
                name="erasure_request_one_open_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="erasure_request_queue_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_late(self, now) -> bool:
        return self.is_open and self.deadline < now


ERASURE_TRANSITIONS: dict[str, frozenset[str]] = {
    ErasureRequest.Status.REQUESTED: frozenset(
        {ErasureRequest.Status.WAITING, ErasureRequest.Status.DONE, ErasureRequest.Status.REFUSED}
    ),
    ErasureRequest.Status.WAITING: frozenset(
        {ErasureRequest.Status.WAITING, ErasureRequest.Status.DONE, ErasureRequest.Status.REFUSED}
    ),
    ErasureRequest.Status.DONE: frozenset(),
    ErasureRequest.Status.REFUSED: frozenset(),
}


class ErasureEvent(TimeStampedModel):
    """One step of an erasure request: from, to, who (customer, staff or job), and a note."""

    request = models.ForeignKey(
        ErasureRequest, verbose_name=_("erasure request"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.CharField(_("by"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("erasure request event")
        verbose_name_plural = _("erasure request events")
        ordering = ["request_id", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return ErasureRequest.Status(self.to_status).label
