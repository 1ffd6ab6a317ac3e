from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.adapters.base import CardOutcome, CardRejected, ChargeAlreadyPaid, GatewayUnavailable
from orders.adapters.boleto import (
    barcode,
    digitable_line,
    due_factor,
    format_digitable_line,
    is_valid_digitable_line,
)
from orders.adapters.brcode import crc16_ccitt, is_valid_pix_payload, pix_payload
from orders.adapters.cards import card_brand, luhn_ok
from orders.adapters.sandbox import (
    EXPIRED_NOTICE,
    PAID_NOTICE,
    UNAVAILABLE_HOLDER,
    ChargeClosed,
    SandboxGateway,
    sandbox_charge_settle,
)
from orders.models import SandboxCharge

GATEWAY = SandboxGateway()
NEXT_YEAR = timezone.localdate().year + 1


# Pix


def test_crc_matches_the_central_banks_example():
    example = (
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
        "5913Fulano de Tal6008BRASILIA62070503***6304"
    )
    assert crc16_ccitt(example) == "1D3D"


def test_a_pix_code_carries_amount_key_and_a_valid_checksum():
    code = pix_payload(
        key="pix@loja.example",
        amount=Decimal("139.70"),
        merchant_name="Loja Aurora",
        merchant_city="SAO PAULO",
        txid="ped100001",
    )
    assert is_valid_pix_payload(code)
    assert "5406139.70" in code
    assert "0116pix@loja.example" in code
    assert not is_valid_pix_payload(code[:-1] + ("0" if code[-1] != "0" else "1"))


# Boleto


@pytest.mark.parametrize(
    "line",
    ["00190500954014481606906809350314337370000000100", "23790448095616862379336011058009740430000124020"],
)
def test_real_digitable_lines_pass(line):
    assert is_valid_digitable_line(line)


def test_due_factor_restarts_at_1000_in_2025():
    assert due_factor(date(2025, 2, 21)) == 9999
    assert due_factor(date(2025, 2, 22)) == 1000


def test_a_generated_boleto_has_consistent_barcode_and_line():
    code = barcode(bank="237", amount=Decimal("1234.56"), due=date(2026, 12, 1), free_field="1" * 25)
    line = digitable_line(code)
    assert len(code) == 44 and len(line) == 47
    assert is_valid_digitable_line(line)
    assert line.endswith("0000123456")
    assert format_digitable_line(line).count(" ") == 4


def test_one_wrong_digit_breaks_the_line():
    line = digitable_line(
        barcode(bank="237", amount=Decimal("10.00"), due=date(2026, 12, 1), free_field="2" * 25)
    )
    broken = line[:12] + str((int(line[12]) + 1) % 10) + line[13:]
    assert not is_valid_digitable_line(broken)


# Cards


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111 1111 1111 1111", "visa"),
        ("5555555555554444", "mastercard"),
        ("378282246310005", "amex"),
        ("6362970000457013", "elo"),
    ],
)
def test_brand_and_luhn(number, brand):
    assert luhn_ok(number)
    assert card_brand(number) == brand


@pytest.mark.parametrize("number", ["4111111111111112", "1234", "abcd efgh ijkl mnop", ""])
def test_bad_numbers_fail_luhn(number):
    assert not luhn_ok(number)


# The sandbox gateway


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("4111111111111111", CardOutcome.APPROVED),
        ("4000000000000002", CardOutcome.DECLINED),
        ("4000000000009995", CardOutcome.HIGH_RISK),
    ],
)
def test_test_cards_give_their_documented_outcome(number, outcome):
    token = GATEWAY.tokenise_card(
        number=number, holder="Ana Souza", expiry_month=12, expiry_year=NEXT_YEAR, cvv="123"
    )
    assert token.last4 == number[-4:]
    assert not token.token.count(number)  # the number itself never leaves the tokeniser
    result = GATEWAY.authorise_card(
        token=token.token, amount=Decimal("100.00"), installments=3, idempotency_key="k1"
    )
    assert result.outcome == outcome


def test_the_same_idempotency_key_gets_the_same_authorisation():
    token = GATEWAY.tokenise_card(
        number="4111111111111111", holder="Ana", expiry_month=1, expiry_year=NEXT_YEAR, cvv="123"
    )
    first = GATEWAY.authorise_card(
        token=token.token, amount=Decimal("10"), installments=1, idempotency_key="pay-1"
    )
    again = GATEWAY.authorise_card(
        token=token.token, amount=Decimal("10"), installments=1, idempotency_key="pay-1"
    )
    assert first.reference == again.reference


@pytest.mark.parametrize(
    ("number", "month", "year", "cvv"),
    [
        ("4111111111111112", 1, NEXT_YEAR, "123"),
        ("4111111111111111", 1, 2020, "123"),
        ("4111111111111111", 1, NEXT_YEAR, "12"),
    ],
)
def test_bad_or_expired_cards_are_not_tokenised(number, month, year, cvv):
    with pytest.raises(CardRejected):
        GATEWAY.tokenise_card(number=number, holder="Ana", expiry_month=month, expiry_year=year, cvv=cvv)


def test_the_sandbox_fails_on_request():
    token = GATEWAY.tokenise_card(
        number="4111111111111111", holder=UNAVAILABLE_HOLDER, expiry_month=1, expiry_year=NEXT_YEAR, cvv="123"
    )
    with pytest.raises(GatewayUnavailable):
        GATEWAY.authorise_card(token=token.token, amount=Decimal("10"), installments=1, idempotency_key="k")
    with pytest.raises(GatewayUnavailable):
        GATEWAY.create_boleto(
            amount=Decimal("10"),
            due_date=date(2026, 12, 1),
            payer_name=UNAVAILABLE_HOLDER,
            payer_cpf="52998224725",
            idempotency_key="k",
        )


@pytest.mark.django_db
def test_pix_and_boleto_charges_are_real_codes():
    pix = GATEWAY.create_pix(
        amount=Decimal("59.90"), expires_at=timezone.now() + timedelta(minutes=30), idempotency_key="pix-1"
    )
    assert is_valid_pix_payload(pix.copy_paste)
    boleto = GATEWAY.create_boleto(
        amount=Decimal("59.90"),
        due_date=date(2026, 12, 1),
        payer_name="Ana",
        payer_cpf="52998224725",
        idempotency_key="bol-1",
    )
    assert is_valid_digitable_line(boleto.digitable_line)
    assert (
        boleto.reference
        == GATEWAY.create_boleto(
            amount=Decimal("59.90"),
            due_date=date(2026, 12, 1),
            payer_name="Ana",
            payer_cpf="52998224725",
            idempotency_key="bol-1",
        ).reference
    )


def _pix(key: str):
    return GATEWAY.create_pix(
        amount=Decimal("59.90"), expires_at=timezone.now() + timedelta(minutes=30), idempotency_key=key
    )


@pytest.mark.django_db
def test_a_withdrawn_pix_can_no_longer_be_paid_and_withdrawing_twice_is_harmless():
    pix = _pix("pix-withdrawn")
    GATEWAY.cancel_charge(reference=pix.reference, idempotency_key="cancel:1")
    GATEWAY.cancel_charge(reference=pix.reference, idempotency_key="cancel:1")
    charge = SandboxCharge.objects.get(reference=pix.reference)
    assert (charge.method, charge.amount, charge.cancel_requests) == ("pix", Decimal("59.90"), 2)
    assert charge.cancelled_at is not None
    with pytest.raises(ChargeClosed):
        sandbox_charge_settle(reference=pix.reference, kind=PAID_NOTICE)
    with pytest.raises(ChargeClosed):
        sandbox_charge_settle(reference=pix.reference, kind=EXPIRED_NOTICE)
    charge.refresh_from_db()
    assert (charge.paid_at, charge.expired_at) == (None, None)


@pytest.mark.django_db
def test_a_charge_paid_first_cannot_be_withdrawn():
    boleto = GATEWAY.create_boleto(
        amount=Decimal("59.90"),
        due_date=date(2026, 12, 1),
        payer_name="Ana",
        payer_cpf="52998224725",
        idempotency_key="bol-paid",
    )
    sandbox_charge_settle(reference=boleto.reference, kind=PAID_NOTICE)
    with pytest.raises(ChargeAlreadyPaid):
        GATEWAY.cancel_charge(reference=boleto.reference, idempotency_key="cancel:2")
    charge = SandboxCharge.objects.get(reference=boleto.reference)
    assert charge.paid_at is not None and charge.cancelled_at is None
    with pytest.raises(ChargeClosed):
        sandbox_charge_settle(reference=boleto.reference, kind=EXPIRED_NOTICE)


@pytest.mark.django_db
def test_an_expired_charge_is_withdrawn_quietly():
    pix = _pix("pix-expired")
    sandbox_charge_settle(reference=pix.reference, kind=EXPIRED_NOTICE)
    GATEWAY.cancel_charge(reference=pix.reference, idempotency_key="cancel:3")
    assert SandboxCharge.objects.get(reference=pix.reference).cancelled_at is not None
