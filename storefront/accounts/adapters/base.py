"""What the store needs from an address-lookup service (a CEP directory), in the store's own
terms.

The sandbox and the real services implement `AddressLookup`; the selector that asks them
never sees HTTP clients or provider payloads. Chosen by `STORE_ADDRESS_LOOKUP`.
"""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class CepNotFound(Exception):
    """No street, district or city is known for this CEP: the shopper types the address."""


class AddressLookupUnavailable(Exception):
    """The service could not be reached, was too slow or answered with an error: the shopper
    types the address, and the next lookup asks again."""


@dataclass(frozen=True)
class FoundAddress:
    """What a CEP says of an address. A CEP that covers a whole town (or one the service knows
    only by its range) has no street and district: the shopper types them."""

    cep: str
    street: str
    district: str
    city: str
    state: str


class AddressLookup(Protocol):
    name: str

    def lookup(self, *, cep: str) -> FoundAddress:
        """The address of a CEP of eight digits. Raises CepNotFound or AddressLookupUnavailable."""


def address_lookup() -> AddressLookup:
    return import_string(settings.STORE_ADDRESS_LOOKUP)()
