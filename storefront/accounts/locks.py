from storefront.accounts.models import User


def lock_customer(user_id: int) -> User:
    """The customer's row, locked: their addresses change one request at a time."""
    return User.objects.select_for_update().get(pk=user_id)
