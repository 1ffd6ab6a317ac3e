from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.views import signed_notice_response
from logistics.services.tracking import CARRIER_SENDER


@csrf_exempt  # carriers sign their notices instead
@require_POST
def tracking_webhook_view(request: HttpRequest, carrier: str) -> JsonResponse:
    return signed_notice_response(request, sender=CARRIER_SENDER.name, provider=carrier)
