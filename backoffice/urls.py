from django.urls import path

from backoffice import views
from backoffice.access import staff_only

app_name = "backoffice"

# Every back-office URL and the permission it requires (None: any staff member).
STAFF_URLS = [
    ("", views.home_view, "home", None),
    ("customers/", views.CustomerListView.as_view(), "customer-list", "accounts.view_user"),
    (
        "messages/",
        views.NotificationListView.as_view(),
        "notification-list",
        "notifications.view_notification",
    ),
    (
        "messages/<int:pk>/retry/",
        views.notification_retry_view,
        "notification-retry",
        "notifications.retry_notification",
    ),
    (
        "payments/sandbox/",
        views.SandboxPaymentListView.as_view(),
        "sandbox-payment-list",
        "orders.simulate_sandbox_payment",
    ),
    (
        "payments/sandbox/<int:pk>/notify/",
        views.sandbox_payment_notify_view,
        "sandbox-payment-notify",
        "orders.simulate_sandbox_payment",
    ),
]
URL_PERMISSIONS: dict[str, str | None] = {name: permission for _route, _view, name, permission in STAFF_URLS}

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    *(path(route, staff_only(view, permission), name=name) for route, view, name, permission in STAFF_URLS),
]
