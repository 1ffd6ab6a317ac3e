from django.contrib.auth.models import Group
from django.db import transaction

from backoffice.roles import Role
from storefront.accounts.models import User


@transaction.atomic
def staff_user_ensure(*, email: str, full_name: str, password: str, roles: list[Role]) -> tuple[User, bool]:
    """Make sure a staff account with these roles exists; the password is only set on creation."""
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password, full_name=full_name, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user, created
