from celery import shared_task

# Late payments, refunds and returns change past days' figures: rebuild this many each night.
REFRESH_DAYS = 7


# Routed to the LONG queue (CELERY_TASK_ROUTES).
@shared_task(name="kpis.kpi_refresh")
def kpi_refresh() -> int:
    from backoffice.kpis.services import kpi_refresh

    return kpi_refresh(days=REFRESH_DAYS)
