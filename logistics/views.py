from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from logistics.exceptions import NoticeRejected
from logistics.services import tracking_notice_receive

MAX_NOTICE_BYTES = 64 * 1024


@csrf_exempt  # carriers sign their notices instead
@require_POST
def tracking_webhook_view(request: HttpRequest, carrier: str) -> JsonResponse:
    if len(request.body) > MAX_NOTICE_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        event = tracking_notice_receive(
            carrier=carrier, body=request.body, signature=request.headers.get("X-Signature", "")
        )
    except NoticeRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=rejected.status)
    return JsonResponse({"received": event.event_id})
