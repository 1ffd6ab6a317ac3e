from django.conf import settings
from django.core.checks import Warning, register


@register("services", deploy=True)
def check_production_services(app_configs, **kwargs) -> list[Warning]:
    """The embedded defaults (SQLite, local-memory cache, in-process Celery) are for the demo."""
    warnings = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        warnings.append(
            Warning(
                "DATABASE_URL is not set: the store runs on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database in production.",
                id="core.W001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        warnings.append(
            Warning(
                "REDIS_URL is not set: the cache is per process and tasks run inside web requests.",
                hint="Set REDIS_URL and run a Celery worker and beat in production.",
                id="core.W002",
            )
        )
    return warnings
