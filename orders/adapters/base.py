"""What the store needs from a payment provider, in the store's own terms.

A real provider's adapter and the sandbox both implement `PaymentGateway`; services never
see HTTP clients or provider payloads. Amounts cross this boundary as Decimal reais; an
adapter whose provider wants integer centavos converts inside itself.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class GatewayUnavailable(Exception):
    """The provider could not be reached or answered with a server error: try again later."""


class SettlementInProgress(Exception):
    """Another settlement of this payment is with the provider: try again once it lands."""


class ChargeAlreadyPaid(Exception):
    """The Pix or boleto was paid before it could be cancelled: the money is the store's to give back."""


class CardRejected(ValueError):
    """The provider refuses to tokenise the card data (bad number, expired)."""


class RefundRefused(ValueError):
    """The provider refuses to give money back for good: more than was paid, an unknown
    payment, a destination it cannot pay. Asking again cannot help."""


class CardOutcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    HIGH_RISK = "high_risk"  # authorised, but the provider's screening flags it


@dataclass(frozen=True)
class CardToken:
    token: str
    brand: str
    last4: str
    holder: str


@dataclass(frozen=True)
class CardAuthorisation:
    reference: str
    outcome: CardOutcome
    message: str = ""


@dataclass(frozen=True)
class PixCharge:
    reference: str
    copy_paste: str
    expires_at: datetime


@dataclass(frozen=True)
class BoletoCharge:
    reference: str
    barcode: str
    digitable_line: str
    due_date: date


class PaymentGateway(Protocol):
    name: str

    def tokenise_card(
        self, *, number: str, holder: str, expiry_month: int, expiry_year: int, cvv: str
    ) -> CardToken:
        """In production the provider's script does this in the browser: card data never reaches us."""

    def authorise_card(
        self, *, token: str, amount: Decimal, installments: int, idempotency_key: str
    ) -> CardAuthorisation: ...

    def capture_card(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None: ...

    def void_card(self, *, reference: str, idempotency_key: str) -> None: ...

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> str:
        """Give money that was paid back to the payer of a card or Pix payment, in full or in
        part; return the provider's reference of the refund. Asking again with the same key
        returns the same reference and pays nothing more. Raises RefundRefused (more than
        was paid) or GatewayUnavailable."""

    def payout(self, *, destination: dict, amount: Decimal, idempotency_key: str) -> str:
        """Transfer money to a Pix key (`{"pix_key": ..., "key_type": ...}`) or a bank account
        (`{"bank", "branch", "account", "holder_cpf"}`): how a boleto is paid back. Returns
        the provider's reference; asking again with the same key pays nothing more. Raises
        RefundRefused or GatewayUnavailable."""

    def create_pix(self, *, amount: Decimal, expires_at: datetime, idempotency_key: str) -> PixCharge: ...

    def create_boleto(
        self, *, amount: Decimal, due_date: date, payer_name: str, payer_cpf: str, idempotency_key: str
    ) -> BoletoCharge: ...

    def cancel_charge(self, *, reference: str, idempotency_key: str) -> None:
        """Withdraw an open Pix charge (its code stops being payable) or write off a boleto at
        the bank (baixa), so nobody can pay it any more. Cancelling a charge that is already
        cancelled or expired succeeds. Raises ChargeAlreadyPaid when the money arrived first,
        or GatewayUnavailable."""
