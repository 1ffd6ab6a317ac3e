"""Each dataset's columns and values, against rows made by hand."""

import csv
import io
import json

import pytest

from tests.exports.factories import at, line, movement, order, payment, refund, return_request, run_export
from tests.logistics.factories import shipment_row

pytestmark = pytest.mark.django_db


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_orders_export_has_every_column_with_the_orders_values():
    order(number="100001", placed=at(2, 9, 30), cnpj="", voucher_code="BEMVINDO")

    text, _cursor = run_export("orders")

    assert text.splitlines()[0] == (
        "number,status,channel,placed_at,customer_id,full_name,email,cpf,cnpj,company_name,"
        "state_registration,phone,cep,street,street_number,complement,district,city,state,"
        "delivery_service,items_total,discount_total,pix_discount,shipping_total,grand_total,"
        "voucher_code,cancel_reason,updated_at"
    )
    [row] = _csv(text)
    assert row["number"] == "100001"
    assert row["status"] == "awaiting_payment"
    assert row["placed_at"] == "2026-03-02T09:30:00-03:00"
    assert row["full_name"] == "Ana Souza"
    assert row["email"] == "ana@example.com.br"
    assert row["cpf"] == "52998224725"
    assert row["customer_id"] == ""
    assert row["items_total"] == "100.00"
    assert row["shipping_total"] == "20.00"
    assert row["grand_total"] == "120.00"
    assert row["voucher_code"] == "BEMVINDO"
    assert row["city"] == "São Paulo"


def test_order_lines_export_joins_the_order_number_and_date():
    placed = order(number="100002", placed=at(3))
    first = line(order=placed, sku_price="49.90", quantity=2)

    text, _cursor = run_export("order_lines")

    [row] = _csv(text)
    assert row == {
        "line_id": str(first.pk),
        "order_number": "100002",
        "placed_at": "2026-03-03T10:00:00-03:00",
        "sku": first.sku,
        "product_name": "Camiseta Básica",
        "variant_label": "M / Azul",
        "quantity": "2",
        "unit_price": "49.90",
        "line_total": "99.80",
    }


def test_invoices_export_carries_the_access_key_and_the_order_number():
    shipment = shipment_row()
    invoice = shipment.invoice

    text, _cursor = run_export("invoices")

    [row] = _csv(text)
    assert row["kind"] == "outgoing"
    assert row["series"] == "1"
    assert row["number"] == str(invoice.number)
    assert row["access_key"] == invoice.access_key
    assert len(row["access_key"]) == 44
    assert row["order_number"] == shipment.order.number
    assert row["shipment_number"] == shipment.number
    assert row["total"] == "120.00"
    assert row["cancelled_at"] == ""


def test_payments_and_refunds_exports():
    placed = order(number="100003", placed=at(4))
    paid = payment(order=placed, at_=at(4, 11), installments=1)
    made = refund(order=placed, done=at(6, 15))

    payments_text, _cursor = run_export("payments")
    refunds_text, _cursor = run_export("refunds")

    [pay] = _csv(payments_text)
    assert pay["payment_id"] == str(paid.pk)
    assert pay["order_number"] == "100003"
    assert pay["method"] == "pix"
    assert pay["status"] == "paid"
    assert pay["amount"] == "120.00"
    assert pay["paid_at"] == "2026-03-04T11:00:00-03:00"
    [back] = _csv(refunds_text)
    assert back["refund_id"] == str(made.pk)
    assert back["order_number"] == "100003"
    assert back["reason"] == "return:100003"
    assert back["status"] == "done"
    assert back["amount"] == "30.00"
    assert back["done_at"] == "2026-03-06T15:00:00-03:00"


def test_stock_movements_export_names_the_warehouse_and_sku():
    receipt = movement(change=12, when=at(5))

    text, _cursor = run_export("stock_movements")

    [row] = _csv(text)
    assert row["movement_id"] == str(receipt.pk)
    assert row["created_at"] == "2026-03-05T10:00:00-03:00"
    assert row["kind"] == "receive"
    assert row["warehouse"] == "cd-sp"
    assert row["sku"] == receipt.level.variant.sku
    assert row["bin"] == ""
    assert row["on_hand_change"] == "12"
    assert row["reserved_change"] == "0"
    assert row["reference"] == "receipt:7"


def test_returns_export():
    placed = order(number="100004", placed=at(1))
    return_request(order=placed, created=at(9), number="D-100004-1")

    text, _cursor = run_export("returns")

    [row] = _csv(text)
    assert row["number"] == "D-100004-1"
    assert row["order_number"] == "100004"
    assert row["status"] == "requested"
    assert row["reason"] == "defect"
    assert row["resolution"] == "refund"
    assert row["created_at"] == "2026-03-09T10:00:00-03:00"
    assert row["items_refund"] == "100.00"


def test_json_lines_keep_decimals_exact_and_empty_values_null():
    order(number="100005", placed=at(2, 9, 30))

    text, _cursor = run_export("orders", format="jsonl")

    [document] = [json.loads(item) for item in text.splitlines()]
    assert document["number"] == "100005"
    assert document["grand_total"] == "120.00"
    assert document["placed_at"] == "2026-03-02T09:30:00-03:00"
    assert document["customer_id"] is None
    assert document["complement"] is None


def test_brazilian_excel_dialect():
    order(number="100006", placed=at(2, 9, 30), full_name='João; "Zé" da Silva')
    movement(change=-3, when=at(5), kind="adjust")

    text, _cursor = run_export("orders", dialect="excel_br")
    movements, _cursor = run_export("stock_movements", dialect="excel_br")

    assert text.startswith("\ufeffnumber;status;channel;placed_at;")
    assert "\r\n" in text
    [row] = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert row["placed_at"] == "02/03/2026 09:30:00"
    assert row["grand_total"] == "120,00"
    assert row["full_name"] == 'João; "Zé" da Silva'
    [moved] = list(csv.DictReader(io.StringIO(movements.removeprefix("\ufeff")), delimiter=";"))
    assert moved["on_hand_change"] == "-3"
    # Text a spreadsheet would run as a formula is neutralised in the spreadsheet dialect only.
    assert moved["reason"] == "'=SUM(A1)"
    standard, _cursor = run_export("stock_movements")
    assert _csv(standard)[0]["reason"] == "=SUM(A1)"
