from django.urls import path

from orders import views

app_name = "payments"

urlpatterns = [
    path("webhooks/<slug:provider>/", views.payment_webhook_view, name="payment-webhook"),
]
