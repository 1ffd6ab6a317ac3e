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
    """An email posted by an inbound-mail provider. Emails with attachments outgrow Django's
    in-memory limit for forms (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB), which `request.body`
    enforces: the body is read here up to the email sender's own limit, and refused (413)
    beyond it before anything of it is kept."""
    limit = EMAIL_SENDER.max_body_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return JsonResponse({"error": "too large"}, status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return JsonResponse({"error": "too large"}, status=413)
    request._body = body  # what request.body answers from now on, past the forms' limit
    return signed_notice_response(request, sender=EMAIL_SENDER.name, provider=provider)


urlpatterns = [
    path("email/<slug:provider>/", inbound_email_view, name="inbound-email"),
    path("whatsapp/<slug:provider>/", whatsapp_webhook_view, name="whatsapp"),
]
