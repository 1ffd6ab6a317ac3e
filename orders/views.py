from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.views import signed_notice_response
from orders.services.notices import PAYMENT_SENDER


@csrf_exempt  # providers sign their notices instead
@require_POST
def payment_webhook_view(request: HttpRequest, provider: str) -> JsonResponse:
    return signed_notice_response(request, sender=PAYMENT_SENDER.name, provider=provider)
