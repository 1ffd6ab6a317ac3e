from storefront.accounts.models import User


def lock_customer(user_id: int) -> User:
    """The customer's row, locked: their addresses change one request at a time."""
    return User.objects.select_for_update().get(pk=user_id)


def lock_erasure_request(request_id: int):
    """The erasure request's row, locked: one decision at a time."""
    from storefront.accounts.models import ErasureRequest

    return ErasureRequest.objects.select_for_update().get(pk=request_id)
