"""Store credit is a voucher only the CPF it was issued to can use, issued once per reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from storefront.promotions.exceptions import VoucherNotYours, VoucherUsedUp
from storefront.promotions.models import Voucher
from storefront.promotions.services import _store_credit_code, store_credit_issue, voucher_benefit
from tests.promotions.test_services import use

pytestmark = pytest.mark.django_db

HOLDER = "52998224725"
SOMEONE_ELSE = "11144477735"


def test_store_credit_is_a_fixed_voucher_for_one_use_by_its_holder_for_a_year():
    voucher = store_credit_issue(cpf="529.982.247-25", amount=Decimal("80.00"), source="refund:1")
    assert voucher.code.startswith("CRED-") and len(voucher.code) == len("CRED-") + 8
    assert (voucher.kind, voucher.value, voucher.holder_cpf, voucher.is_active) == (
        Voucher.Kind.FIXED,
        Decimal("80.00"),
        HOLDER,
        True,
    )
    assert (voucher.max_uses, voucher.max_uses_per_customer, voucher.min_order) == (1, 1, Decimal("0.00"))
    assert timedelta(days=364) < voucher.ends_at - timezone.now() <= timedelta(days=366)


def test_issuing_again_for_the_same_reason_returns_the_first_voucher():
    first = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1")
    again = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1")
    other = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:2")
    assert again.pk == first.pk
    assert other.code != first.code
    assert Voucher.objects.count() == 2


def test_a_code_already_taken_by_another_voucher_moves_to_the_next():
    # given: a voucher typed by staff holds the code the reason would get
    taken = _store_credit_code(source="refund:1", attempt=0)
    Voucher.objects.create(
        code=taken.lower(), kind=Voucher.Kind.PERCENTAGE, value=10, starts_at=timezone.now()
    )
    # when
    voucher = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1")
    # then
    assert voucher.code == _store_credit_code(source="refund:1", attempt=1)
    assert store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1").pk == voucher.pk


def test_an_invalid_cpf_gets_no_store_credit():
    with pytest.raises(ValidationError):
        store_credit_issue(cpf="52998224724", amount=Decimal("80.00"), source="refund:1")
    assert not Voucher.objects.exists()


def test_only_the_holders_cpf_can_use_store_credit():
    voucher = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1")

    with translation.override("en"), pytest.raises(VoucherNotYours) as refused:
        voucher_benefit(
            code=voucher.code, items_total=Decimal("200.00"), email="x@example.com", cpf=SOMEONE_ELSE
        )

    with translation.override("en"):
        assert refused.value.message == (
            "This voucher is store credit for another customer: only the CPF it was issued to can use it."
        )
    benefit = voucher_benefit(
        code=voucher.code.lower(), items_total=Decimal("200.00"), email="ana@example.com.br", cpf=HOLDER
    )
    assert benefit.discount == Decimal("80.00")


def test_store_credit_is_used_once():
    voucher = store_credit_issue(cpf=HOLDER, amount=Decimal("80.00"), source="refund:1")
    use(voucher, cpf=HOLDER)
    with pytest.raises(VoucherUsedUp):
        voucher_benefit(
            code=voucher.code, items_total=Decimal("200.00"), email="other@example.com", cpf=HOLDER
        )
