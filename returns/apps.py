from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    label = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        from logistics.parcels import parcel_owner_register
        from returns.services.parcels import RETURN_PARCELS

        parcel_owner_register(RETURN_PARCELS)
