from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
    default = True


class StoreAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that asks staff for their second factor like the back office."""

    default = False
    default_site = "backoffice.admin_site.StoreAdminSite"
