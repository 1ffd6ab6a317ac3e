from django.urls import path

from logistics import views

app_name = "logistics"

urlpatterns = [
    path("webhooks/<slug:carrier>/", views.tracking_webhook_view, name="tracking-webhook"),
]
