from django.http import HttpRequest, JsonResponse

from inbox.exceptions import NoticeRejected
from inbox.senders import sender_get
from inbox.services import notice_receive


def signed_notice_response(request: HttpRequest, *, sender: str, provider: str) -> JsonResponse:
    """Hand a notice to the inbox and answer the sender: 200 with the event id, or the status
    the refusal carries. The calling view is csrf-exempt and POST-only: senders sign instead."""
    limit = sender_get(sender).max_body_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Read here, up to the sender's own limit: request.body would stop at the forms' limit
    # (DATA_UPLOAD_MAX_MEMORY_SIZE), below what an email with attachments weighs.
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        event = notice_receive(sender=sender, provider=provider, body=body, headers=request.headers)
    except NoticeRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=rejected.status)
    return JsonResponse({"received": event.event_id})
