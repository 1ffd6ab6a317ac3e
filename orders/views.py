from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.exceptions import NoticeRejected
from orders.models import WebhookEvent
from orders.services.notices import webhook_receive

MAX_NOTICE_BYTES = 64 * 1024


def signed_notice_response(
    request: HttpRequest, receive: Callable[..., WebhookEvent], **names: str
) -> JsonResponse:
    """Hand a signed notice (payment provider or carrier) to its `receive` service and answer
    the sender: 200 with the event id, or the status the refusal carries."""
    if len(request.body) > MAX_NOTICE_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        event = receive(body=request.body, signature=request.headers.get("X-Signature", ""), **names)
    except NoticeRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=rejected.status)
    return JsonResponse({"received": event.event_id})


@csrf_exempt  # providers sign their notices instead
@require_POST
def payment_webhook_view(request: HttpRequest, provider: str) -> JsonResponse:
    return signed_notice_response(request, webhook_receive, provider=provider)
