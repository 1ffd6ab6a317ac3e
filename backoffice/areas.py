from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    title: Promise
    description: Promise
    icon: str
    url_name: str
    permission: str


AREAS: tuple[Area, ...] = (
    Area(
        title=_("Customers"),
        description=_("Find a customer's account and contact details."),
        icon="people",
        url_name="backoffice:customer-list",
        permission="accounts.view_user",
    ),
    Area(
        title=_("Messages"),
        description=_("Every message sent to customers, and those that failed."),
        icon="envelope",
        url_name="backoffice:notification-list",
        permission="notifications.view_notification",
    ),
)


def areas_for_user(user) -> list[Area]:
    return [area for area in AREAS if user.has_perm(area.permission)]
