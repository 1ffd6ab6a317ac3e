from django.db.models import QuerySet

from storefront.accounts.models import User


def customer_list(*, search: str = "") -> QuerySet[User]:
    """Customers newest first; `search` matches the start of the email address."""
    customers = User.objects.filter(is_staff=False).order_by("-date_joined", "-pk")
    if search:
        customers = customers.filter(email__startswith=search.strip().lower())
    return customers


def staff_team(*, permission: str) -> QuerySet[User]:
    """Active staff whose roles grant `permission` ("app_label.codename"): who a team's
    messages go to."""
    app_label, codename = permission.split(".", 1)
    return (
        User.objects.filter(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
            is_active=True,
            is_staff=True,
        )
        .distinct()
        .order_by("pk")
    )
