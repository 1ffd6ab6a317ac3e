from django.db.models import QuerySet

from storefront.accounts.models import User


def customer_list(*, search: str = "") -> QuerySet[User]:
    """Customers newest first; `search` matches the start of the email address."""
    customers = User.objects.filter(is_staff=False).order_by("-date_joined", "-pk")
    if search:
        customers = customers.filter(email__startswith=search.strip().lower())
    return customers
