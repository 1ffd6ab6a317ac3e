"""A shopper buys, start to finish, in a real browser: card approved and declined, Pix, boleto,
and a Pix order cancelled before paying."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order, Payment, SandboxCharge
from tests.promotions.factories import VoucherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_address(page) -> None:
    """The buyer's CPF and a Rio de Janeiro address, as the checkout and telesales forms ask them."""
    page.get_by_label("CPF").fill("529.982.247-25")
    page.get_by_label("CEP").fill("20040-020")
    page.get_by_label("Rua").fill("Avenida Rio Branco")
    page.locator("#id_street_number").fill("100")
    page.get_by_label("Bairro").fill("Centro")
    page.get_by_label("Cidade").fill("Rio de Janeiro")
    page.get_by_label("Estado").select_option("RJ")


def checkout_to_payment(page, product):
    page.goto(product.get_absolute_url())
    page.get_by_role("button", name="Adicionar ao carrinho").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    page.goto("/carrinho/")
    page.get_by_test_id("checkout").click()
    page.get_by_label("E-mail").fill("bia@example.com.br")
    page.get_by_label("Nome completo").fill("Beatriz Lima")
    page.get_by_label("Celular").fill("(21) 99876-5432")
    fill_address(page)
    page.get_by_role("button", name="Continuar para entrega e pagamento").click()
    expect(page.get_by_test_id("summary-total")).to_have_text("R$\N{NO-BREAK SPACE}175,00")


def pay_by_card(page, number, installments="3"):
    page.get_by_label("Cartão de crédito").check()
    page.get_by_label("Número do cartão").fill(number)
    page.get_by_label("Validade (MM/AA)").fill("10/38")
    page.get_by_label("Nome impresso no cartão").fill("BEATRIZ LIMA")
    page.get_by_label("Código de segurança").fill("321")
    page.get_by_label("Parcelas").select_option(installments)


def review_and_place(page):
    page.get_by_role("button", name="Revisar o pedido").click()
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("confirmation-title")).to_contain_text("Obrigado!")


def test_shopper_pays_by_card_and_sees_it_approved_with_the_email(page, product):
    checkout_to_payment(page, product)
    pay_by_card(page, "4111 1111 1111 1111")
    page.get_by_role("button", name="Revisar o pedido").click()
    expect(page.get_by_test_id("review-payment")).to_contain_text("3× R$\N{NO-BREAK SPACE}58,33 sem juros")
    page.get_by_test_id("place-order").click()
    expect(page.get_by_test_id("payment-approved")).to_contain_text("final 1111")

    order = Order.objects.get()
    assert order.status == Order.Status.VALIDATED
    [email] = mail.outbox
    assert email.subject == f"Pedido {order.number} recebido e pagamento aprovado"


def test_a_declined_card_is_said_plainly_and_pix_pays_instead(page, product):
    checkout_to_payment(page, product)
    pay_by_card(page, "4000 0000 0000 0002", installments="1")
    review_and_place(page)
    expect(page.get_by_test_id("payment-failed")).to_contain_text("não foi aprovado")
    assert mail.outbox == []

    page.get_by_test_id("pay-again-form").get_by_label("Pix").check()
    page.get_by_role("button", name="Pagar R$\N{NO-BREAK SPACE}175,00").click()
    expect(page.get_by_test_id("pix-qr")).to_be_visible()
    assert Payment.objects.filter(method="pix", status="pending").count() == 1
    assert "Pix copia e cola" in mail.outbox[0].body


def test_shopper_pays_by_pix_with_the_qr_code_and_the_code_in_the_email(page, product):
    VoucherFactory(code="FRETEGRATIS", kind="free_shipping", value=0)
    checkout_to_payment(page, product)
    page.get_by_label("Cupom").fill("fretegratis")
    page.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_test_id("voucher-applied")).to_contain_text("FRETEGRATIS")
    expect(page.get_by_test_id("delivery-price")).to_have_text("Grátis")
    expect(page.get_by_test_id("summary-total")).to_have_text("R$\N{NO-BREAK SPACE}150,00")
    page.get_by_label("Pix").check()
    review_and_place(page)
    assert Order.objects.get().grand_total == Decimal("150.00")
    expect(page.get_by_test_id("pix-qr")).to_be_visible()
    code = page.get_by_test_id("pix-code").input_value()
    assert code.startswith("000201") and code == Payment.objects.get().pix_code
    [email] = mail.outbox
    assert code in email.body and "como pagar" in email.subject


def test_shopper_pays_by_boleto_and_prints_it(page, product):
    checkout_to_payment(page, product)
    page.get_by_label("Boleto").check()
    review_and_place(page)
    line = page.get_by_test_id("boleto-line").input_value()
    assert line.startswith("2379") and len(line.replace(".", "").replace(" ", "")) == 47
    with page.expect_popup() as popup:
        page.get_by_test_id("boleto-print").click()
    printable = popup.value
    expect(printable.get_by_test_id("boleto-line")).to_have_text(line)
    expect(printable.get_by_test_id("boleto-barcode").locator("rect").first).to_be_attached()
    [email] = mail.outbox
    assert line in email.body


def test_shopper_cancels_an_unpaid_pix_order_and_is_offered_nothing_to_pay(page, product):
    checkout_to_payment(page, product)
    page.get_by_label("Pix").check()
    review_and_place(page)
    expect(page.get_by_test_id("pix-qr")).to_be_visible()
    confirmation = page.url
    page.get_by_role("link", name="Acompanhar este pedido").click()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("cancel-order").click()
    expect(page.get_by_test_id("payment-withdrawn")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(1)  # "cancelled", said once
    expect(page.get_by_test_id("order-status-note")).to_be_visible()
    for gone in ("pix-qr", "pix-code", "cancel-order"):
        expect(page.get_by_test_id(gone)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Pague até")

    page.goto(confirmation)  # the confirmation page, reached again, thanks nobody for a cancelled order
    expect(page.get_by_test_id("confirmation-title")).not_to_contain_text("Obrigado")
    expect(page.get_by_test_id("pix-qr")).to_have_count(0)
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.CANCELLED
    assert SandboxCharge.objects.get(reference=payment.gateway_reference).cancelled_at is not None
    assert Order.objects.get().status == Order.Status.CANCELLED
