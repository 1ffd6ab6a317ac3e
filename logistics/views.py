from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from logistics.services import tracking_notice_receive
from orders.views import signed_notice_response


@csrf_exempt  # carriers sign their notices instead
@require_POST
def tracking_webhook_view(request: HttpRequest, carrier: str) -> JsonResponse:
    return signed_notice_response(request, tracking_notice_receive, carrier=carrier)
