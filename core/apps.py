from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import task_postrun

        from core import checks  # noqa: F401 - registers the deploy checks

        task_postrun.connect(_periodic_job_ran, weak=False)


def _periodic_job_ran(sender=None, state: str = "", **kwargs) -> None:
    from core.periodic_jobs import periodic_job_ran

    if state == "SUCCESS":  # a job failing every time is not running either
        periodic_job_ran(name=sender.name)
