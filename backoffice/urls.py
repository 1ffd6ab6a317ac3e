from django.urls import path

from backoffice.access import staff_only
from backoffice.views import (
    customers,
    inventory,
    logistics,
    orders,
    returns,
    security,
    staff,
    support,
    telesales,
)

app_name = "backoffice"

# Every back-office URL and the permission it requires (None: any staff member).
STAFF_URLS = [
    ("", staff.home_view, "home", None),
    ("customers/", staff.CustomerListView.as_view(), "customer-list", "accounts.view_user"),
    ("customers/<int:pk>/", customers.customer_detail_view, "customer-detail", "accounts.view_user"),
    (
        "messages/",
        staff.NotificationListView.as_view(),
        "notification-list",
        "notifications.view_notification",
    ),
    (
        "messages/<int:pk>/retry/",
        staff.notification_retry_view,
        "notification-retry",
        "notifications.retry_notification",
    ),
    (
        "payments/sandbox/",
        staff.SandboxPaymentListView.as_view(),
        "sandbox-payment-list",
        "orders.simulate_sandbox_payment",
    ),
    (
        "payments/sandbox/<int:pk>/notify/",
        staff.sandbox_payment_notify_view,
        "sandbox-payment-notify",
        "orders.simulate_sandbox_payment",
    ),
    ("orders/", orders.hold_queue_view, "hold-queue", "orders.view_order"),
    ("telesales/", telesales.telesales_order_view, "telesales-order", "orders.place_assisted_order"),
    ("orders/<str:number>/", orders.order_workspace_view, "order-workspace", "orders.view_order"),
    ("orders/<str:number>/act/", orders.order_act_view, "order-act", "orders.validate_order"),
    ("inventory/", inventory.stock_search_view, "stock-search", "inventory.view_stocklevel"),
    (
        "inventory/items/<int:variant_id>/",
        inventory.stock_item_view,
        "stock-item",
        "inventory.view_stocklevel",
    ),
    ("inventory/low-stock/", inventory.low_stock_view, "low-stock", "inventory.view_stocklevel"),
    ("inventory/expiring/", inventory.lots_expiring_view, "lots-expiring", "inventory.view_stocklevel"),
    (
        "inventory/purchases/",
        inventory.purchase_order_list_view,
        "purchase-order-list",
        "inventory.receive_stock",
    ),
    (
        "inventory/purchases/<int:pk>/receive/",
        inventory.purchase_order_receive_view,
        "purchase-order-receive",
        "inventory.receive_stock",
    ),
    (
        "inventory/purchases/<int:pk>/close/",
        inventory.purchase_order_close_view,
        "purchase-order-close",
        "inventory.receive_stock",
    ),
    ("inventory/counts/", inventory.stock_count_list_view, "stock-count-list", "inventory.count_stock"),
    (
        "inventory/counts/<int:pk>/",
        inventory.stock_count_detail_view,
        "stock-count-detail",
        "inventory.count_stock",
    ),
    (
        "inventory/counts/<int:pk>/apply/",
        inventory.stock_count_apply_view,
        "stock-count-apply",
        "inventory.approve_count",
    ),
    ("inventory/transfers/", inventory.transfer_list_view, "transfer-list", "inventory.transfer_stock"),
    (
        "inventory/transfers/<int:pk>/update/",
        inventory.transfer_update_view,
        "transfer-update",
        "inventory.transfer_stock",
    ),
    ("logistics/picking/", logistics.pick_queue_view, "pick-queue", "logistics.pick_orders"),
    ("logistics/picking/<str:number>/", logistics.pick_list_view, "pick-list", "logistics.pick_orders"),
    ("logistics/packing/", logistics.pack_queue_view, "pack-queue", "logistics.pack_orders"),
    ("logistics/packing/<str:number>/", logistics.pack_view, "pack-order", "logistics.pack_orders"),
    ("logistics/dispatch/", logistics.dispatch_queue_view, "dispatch-queue", "logistics.dispatch_shipment"),
    (
        "logistics/dispatch/<str:number>/",
        logistics.shipment_dispatch_view,
        "shipment-dispatch",
        "logistics.dispatch_shipment",
    ),
    ("logistics/shipments/", logistics.shipment_list_view, "shipment-list", "logistics.view_shipment"),
    (
        "logistics/shipments/<str:number>/",
        logistics.shipment_detail_view,
        "shipment-detail",
        "logistics.view_shipment",
    ),
    (
        "logistics/shipments/<str:number>/label/",
        logistics.shipment_label_view,
        "shipment-label",
        "logistics.view_shipment",
    ),
    (
        "logistics/shipments/<str:number>/invoice/",
        logistics.shipment_invoice_view,
        "shipment-invoice",
        "logistics.view_invoicerecord",
    ),
    ("returns/", returns.return_queue_view, "return-queue", "returns.view_returnrequest"),
    # Before the request's own address, which would take "receive" for a number.
    ("returns/receive/", returns.return_receive_view, "return-receive", "returns.receive_return"),
    ("returns/<str:number>/", returns.return_detail_view, "return-detail", "returns.view_returnrequest"),
    ("returns/<str:number>/approve/", returns.return_approve_view, "return-approve", "returns.decide_return"),
    ("returns/<str:number>/reject/", returns.return_reject_view, "return-reject", "returns.decide_return"),
    (
        "returns/<str:number>/exchange/ship-now/",
        returns.return_exchange_ship_now_view,
        "return-exchange-ship-now",
        "returns.ship_exchange_early",
    ),
    (
        "returns/<str:number>/inspect/",
        returns.return_inspect_view,
        "return-inspect",
        "returns.receive_return",
    ),
    (
        "returns/<str:number>/photos/<int:pk>/",
        returns.return_photo_view,
        "return-photo",
        "returns.view_returnrequest",
    ),
    ("support/", support.support_desk_view, "support-desk", "support.view_ticket"),
    ("support/bulk/", support.support_bulk_view, "support-bulk", "support.view_ticket"),
    ("support/new/", support.ticket_new_view, "ticket-new", "support.view_ticket"),
    ("support/chats/", support.chat_list_view, "chat-list", "support.answer_ticket"),
    ("support/chats/<int:pk>/", support.chat_detail_view, "chat-detail", "support.answer_ticket"),
    ("support/chats/<int:pk>/say/", support.chat_say_view, "chat-say", "support.answer_ticket"),
    ("support/chats/<int:pk>/close/", support.chat_close_view, "chat-close", "support.answer_ticket"),
    ("support/<str:protocol>/", support.ticket_desk_detail_view, "ticket-desk-detail", "support.view_ticket"),
    ("support/<str:protocol>/viewers/", support.ticket_viewers_view, "ticket-viewers", "support.view_ticket"),
    ("support/<str:protocol>/macro/", support.ticket_macro_view, "ticket-macro", "support.view_ticket"),
    ("support/<str:protocol>/reply/", support.ticket_reply_view, "ticket-reply", "support.view_ticket"),
    ("support/<str:protocol>/note/", support.ticket_note_view, "ticket-note", "support.view_ticket"),
    ("support/<str:protocol>/act/", support.ticket_act_view, "ticket-act", "support.view_ticket"),
    ("security/logins/", security.login_lock_list_view, "login-lock-list", "axes.view_accessattempt"),
    (
        "security/logins/release/",
        security.login_lock_release_view,
        "login-lock-release",
        "axes.delete_accessattempt",
    ),
    ("security/roles/", security.role_policy_list_view, "role-policy-list", "backoffice.view_rolepolicy"),
    (
        "security/roles/update/",
        security.role_policy_update_view,
        "role-policy-update",
        "backoffice.change_rolepolicy",
    ),
    ("two-factor/remove/", security.two_factor_remove_view, "two-factor-remove", None),
]
URL_PERMISSIONS: dict[str, str | None] = {name: permission for _route, _view, name, permission in STAFF_URLS}

urlpatterns = [
    path("login/", staff.StaffLoginView.as_view(), name="login"),
    # Where staff give their second factor, so not behind it: any staff member.
    path("login/code/", staff_only(security.login_code_view, None, two_factor=False), name="login-code"),
    path(
        "two-factor/",
        staff_only(security.two_factor_setup_view, None, two_factor=False),
        name="two-factor-setup",
    ),
    *(path(route, staff_only(view, permission), name=name) for route, view, name, permission in STAFF_URLS),
]
