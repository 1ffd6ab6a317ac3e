from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_health_checks
from core.periodic_jobs import periodic_jobs_late


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_health_checks()
    healthy = all(state == "ok" for state in checks.values())
    # Late periodic jobs are reported, not counted as down: the web still serves, and taking
    # it out of the load balancer would not bring beat back.
    late_jobs = [job.name for job in periodic_jobs_late()] if checks["database"] == "ok" else []
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks, "late_periodic_jobs": late_jobs},
        status=200 if healthy else 503,
    )
