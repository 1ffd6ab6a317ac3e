"""Where outside services post to the support desk (inbound email, WhatsApp): signed
notices that go through the store's inbox."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.views import signed_notice_response
from support.channels.email import EMAIL_SENDER
from support.views import whatsapp_webhook_view

app_name = "support-webhooks"


@csrf_exempt  # providers sign their posts instead
@require_POST
def inbound_email_view(request: HttpRequest, provider: str) -> JsonResponse:
    """An email posted by an inbound-mail provider, with its attachments (up to the email
    sender's limit)."""
    return signed_notice_response(request, sender=EMAIL_SENDER.name, provider=provider)


urlpatterns = [
    path("email/<slug:provider>/", inbound_email_view, name="inbound-email"),
    path("whatsapp/<slug:provider>/", whatsapp_webhook_view, name="whatsapp"),
]
