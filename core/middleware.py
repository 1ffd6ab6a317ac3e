from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.views import healthz

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer /healthz before host validation and HTTPS redirects: load balancers probe by
    IP address over plain HTTP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
