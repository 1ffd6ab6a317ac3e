"""What each export contains: one declarative table of columns per dataset.

A column names its header (stable snake_case, for the ERP's mapping: never translated), the
ORM path `values_list` reads it from (related columns are joined in SQL) and the kind of value,
which decides how each format and dialect writes it.

Incremental runs follow a cursor: datasets whose rows change (orders, invoices, payments,
refunds, returns) follow `(updated_at, id)`, so a changed row comes again; append-only ledgers
(order lines, stock movements) follow the id alone. The date range filters on `date_field`.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.db.models import Model, Q
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    DATETIME = "datetime"
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    header: str
    path: object  # a field path ("order__number") or an expression
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Dataset:
    name: str
    label: Promise
    model_label: str
    columns: tuple[Column, ...]
    date_field: str
    # None: append-only, follows the id; otherwise the timestamp every change moves.
    cursor_field: str | None
    has_personal_data: bool = False
    base_filter: Q | None = None

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    @property
    def settle_field(self) -> str:
        """The timestamp whose age says a row's transaction has surely committed."""
        return self.cursor_field or "created_at"

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


ORDERS = Dataset(
    name="orders",
    label=_("Orders"),
    model_label="orders.Order",
    date_field="placed_at",
    cursor_field="updated_at",
    has_personal_data=True,
    columns=(
        Column("number", "number"),
        Column("status", "status"),
        Column("channel", "channel"),
        Column("placed_at", "placed_at", Kind.DATETIME),
        Column("customer_id", "customer_id", Kind.INT),
        Column("full_name", "full_name"),
        Column("email", "email"),
        Column("cpf", "cpf"),
        Column("cnpj", "cnpj"),
        Column("company_name", "company_name"),
        Column("state_registration", "state_registration"),
        Column("phone", "phone"),
        Column("cep", "cep"),
        Column("street", "street"),
        Column("street_number", "street_number"),
        Column("complement", "complement"),
        Column("district", "district"),
        Column("city", "city"),
        Column("state", "state"),
        Column("delivery_service", "delivery_service"),
        Column("items_total", "items_total", Kind.DECIMAL),
        Column("discount_total", "discount_total", Kind.DECIMAL),
        Column("pix_discount", "pix_discount", Kind.DECIMAL),
        Column("shipping_total", "shipping_total", Kind.DECIMAL),
        Column("grand_total", "grand_total", Kind.DECIMAL),
        Column("voucher_code", "voucher_code"),
        Column("cancel_reason", "cancel_reason"),
        Column("updated_at", "updated_at", Kind.DATETIME),
    ),
)

ORDER_LINES = Dataset(
    name="order_lines",
    label=_("Order lines"),
    model_label="orders.OrderLine",
    date_field="order__placed_at",
    cursor_field=None,
    columns=(
        Column("line_id", "pk", Kind.INT),
        Column("order_number", "order__number"),
        Column("placed_at", "order__placed_at", Kind.DATETIME),
        Column("sku", "sku"),
        Column("product_name", "product_name"),
        Column("variant_label", "variant_label"),
        Column("quantity", "quantity", Kind.INT),
        Column("unit_price", "unit_price", Kind.DECIMAL),
        Column("line_total", "line_total", Kind.DECIMAL),
    ),
)

INVOICES = Dataset(
    name="invoices",
    label=_("Invoices"),
    model_label="logistics.InvoiceRecord",
    date_field="issued_at",
    cursor_field="updated_at",
    columns=(
        Column("kind", "kind"),
        Column("series", "series", Kind.INT),
        Column("number", "number", Kind.INT),
        Column("access_key", "access_key"),
        Column("authorisation", "authorisation"),
        Column("issued_at", "issued_at", Kind.DATETIME),
        # A sale's invoice reaches its order through the shipment; a return's names it.
        Column("order_number", Coalesce("shipment__order__number", "order__number")),
        Column("shipment_number", "shipment__number"),
        Column("referenced_key", "referenced_key"),
        Column("issuer_cnpj", "issuer_cnpj"),
        Column("items_total", "items_total", Kind.DECIMAL),
        Column("freight_total", "freight_total", Kind.DECIMAL),
        Column("discount_total", "discount_total", Kind.DECIMAL),
        Column("total", "total", Kind.DECIMAL),
        Column("cancelled_at", "cancelled_at", Kind.DATETIME),
        Column("updated_at", "updated_at", Kind.DATETIME),
    ),
)

PAYMENTS = Dataset(
    name="payments",
    label=_("Payments"),
    model_label="orders.Payment",
    date_field="created_at",
    cursor_field="updated_at",
    columns=(
        Column("payment_id", "pk", Kind.INT),
        Column("order_number", "order__number"),
        Column("method", "method"),
        Column("status", "status"),
        Column("amount", "amount", Kind.DECIMAL),
        Column("refunded_amount", "refunded_amount", Kind.DECIMAL),
        Column("installments", "installments", Kind.INT),
        Column("gateway", "gateway"),
        Column("gateway_reference", "gateway_reference"),
        Column("card_brand", "card_brand"),
        Column("created_at", "created_at", Kind.DATETIME),
        Column("paid_at", "paid_at", Kind.DATETIME),
        Column("refunded_at", "refunded_at", Kind.DATETIME),
        Column("updated_at", "updated_at", Kind.DATETIME),
    ),
)

REFUNDS = Dataset(
    name="refunds",
    label=_("Refunds"),
    model_label="orders.Refund",
    date_field="created_at",
    cursor_field="updated_at",
    columns=(
        Column("refund_id", "pk", Kind.INT),
        Column("order_number", "order__number"),
        Column("payment_id", "payment_id", Kind.INT),
        Column("reason", "source"),
        Column("method", "method"),
        Column("status", "status"),
        Column("amount", "amount", Kind.DECIMAL),
        Column("provider_reference", "provider_reference"),
        Column("created_at", "created_at", Kind.DATETIME),
        Column("done_at", "done_at", Kind.DATETIME),
        Column("updated_at", "updated_at", Kind.DATETIME),
    ),
)

STOCK_MOVEMENTS = Dataset(
    name="stock_movements",
    label=_("Stock movements"),
    model_label="inventory.StockMovement",
    date_field="created_at",
    cursor_field=None,
    columns=(
        Column("movement_id", "pk", Kind.INT),
        Column("created_at", "created_at", Kind.DATETIME),
        Column("kind", "kind"),
        Column("warehouse", "level__warehouse__code"),
        Column("sku", "level__variant__sku"),
        Column("bin", "quant__bin__code"),
        Column("lot", "quant__lot__code"),
        Column("on_hand_change", "on_hand_change", Kind.INT),
        Column("reserved_change", "reserved_change", Kind.INT),
        Column("reference", "reference"),
        Column("reason", "reason"),
    ),
)

RETURNS = Dataset(
    name="returns",
    label=_("Returns"),
    model_label="returns.ReturnRequest",
    date_field="created_at",
    cursor_field="updated_at",
    columns=(
        Column("number", "number"),
        Column("order_number", "order__number"),
        Column("status", "status"),
        Column("reason", "reason"),
        Column("resolution", "resolution"),
        Column("created_at", "created_at", Kind.DATETIME),
        Column("decided_at", "decided_at", Kind.DATETIME),
        Column("shipped_at", "shipped_at", Kind.DATETIME),
        Column("received_at", "received_at", Kind.DATETIME),
        Column("tracking_code", "tracking_code"),
        Column("items_refund", "items_refund", Kind.DECIMAL),
        Column("shipping_refund", "shipping_refund", Kind.DECIMAL),
        Column("exchange_order_number", "exchange_order__number"),
        Column("updated_at", "updated_at", Kind.DATETIME),
    ),
)

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (ORDERS, ORDER_LINES, INVOICES, PAYMENTS, REFUNDS, STOCK_MOVEMENTS, RETURNS)
}
