from decimal import Decimal
from itertools import product

import pytest

from inbox.exceptions import SignatureInvalid
from inbox.signatures import signature_header, signature_verify
from orders.exceptions import PaymentTransitionNotAllowed
from orders.models import PAYMENT_TRANSITIONS, Payment
from orders.services import payment_transition
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_test"


@pytest.mark.parametrize(("source", "target"), list(product(Payment.Status.values, repeat=2)))
def test_payment_transitions_follow_the_table_exactly(source, target):
    payment = Payment.objects.create(
        order=OrderFactory(),
        method=Payment.Method.PIX,
        amount=Decimal("10.00"),
        gateway="sandbox",
        status=source,
    )
    if target in PAYMENT_TRANSITIONS[source]:
        payment_transition(payment=payment, to=target)
        payment.refresh_from_db()
        assert payment.status == target
    else:
        with pytest.raises(PaymentTransitionNotAllowed):
            payment_transition(payment=payment, to=target)
        payment.refresh_from_db()
        assert payment.status == source


def test_a_signed_notice_verifies():
    body = b'{"id": "evt_1", "type": "boleto.paid"}'
    signature_verify(body=body, header=signature_header(body=body, secret=SECRET), secret=SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, header: (body + b" ", header),  # body changed
        lambda body, header: (body, header.replace("v1=", "v1=0")),  # signature changed
        lambda body, header: (body, "garbage"),  # malformed
        lambda body, header: (body, signature_header(body=body, secret="other")),  # wrong secret
        lambda body, header: (
            body,
            signature_header(body=body, secret=SECRET, timestamp=1_000_000_000),
        ),  # too old
    ],
)
def test_tampered_or_replayed_notices_are_refused(tamper):
    body = b'{"id": "evt_1"}'
    body, header = tamper(body, signature_header(body=body, secret=SECRET))
    with pytest.raises(SignatureInvalid):
        signature_verify(body=body, header=header, secret=SECRET)
