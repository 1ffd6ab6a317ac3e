from celery import shared_task

from core.queues import Queue

# Late payments, refunds and returns change past days' figures: rebuild this many each night.
REFRESH_DAYS = 7


@shared_task(name="kpis.kpi_refresh", queue=Queue.LONG)
def kpi_refresh() -> int:
    from backoffice.kpis.services import kpi_refresh

    return kpi_refresh(days=REFRESH_DAYS)
