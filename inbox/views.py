from django.http import HttpRequest, JsonResponse

from inbox.exceptions import NoticeRejected
from inbox.senders import sender_get
from inbox.services import notice_receive


def signed_notice_response(request: HttpRequest, *, sender: str, provider: str) -> JsonResponse:
    """Hand a notice to the inbox and answer the sender: 200 with the event id, or the status
    the refusal carries. The calling view is csrf-exempt and POST-only: senders sign instead."""
    if len(request.body) > sender_get(sender).max_body_bytes:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        event = notice_receive(sender=sender, provider=provider, body=request.body, headers=request.headers)
    except NoticeRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=rejected.status)
    return JsonResponse({"received": event.event_id})
