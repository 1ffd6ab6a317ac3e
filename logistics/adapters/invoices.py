"""Who authorises our fiscal invoices (NF-e): in production an issuer service talking to
the state's tax authority (SEFAZ); here a sandbox that authorises every well-formed key."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from logistics.access_keys import is_valid_access_key


class IssuerUnavailable(Exception):
    """The issuer or the tax authority could not be reached: try again later."""


@dataclass(frozen=True)
class InvoiceAuthorisation:
    protocol: str


class InvoiceIssuer(Protocol):
    name: str

    def authorise(
        self, *, access_key: str, total: Decimal, recipient_document: str
    ) -> InvoiceAuthorisation: ...


class SandboxInvoiceIssuer:
    name = "sandbox"

    def authorise(self, *, access_key: str, total: Decimal, recipient_document: str) -> InvoiceAuthorisation:
        if not is_valid_access_key(access_key):
            raise ValueError("malformed access key")
        # SEFAZ protocols: 1 + state code + year + a ten-digit serial.
        return InvoiceAuthorisation(protocol=f"1{access_key[:2]}{access_key[2:4]}{access_key[25:34]}0")
