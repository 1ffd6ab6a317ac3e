from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.actor import Actor
from core.admin import ReadOnlyModelAdmin
from core.exceptions import DomainError
from support.notifications.models import MarketingConsent, Notification
from support.notifications.services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_address", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["to_address", "subject", "dedup_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_failed"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notifications.retry_notification")

    @admin.action(permissions=["retry"], description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset) -> None:
        retried = 0
        for notification_id in queryset.filter(status=Notification.Status.FAILED).values_list(
            "pk", flat=True
        ):
            try:
                notification_retry(notification_id=notification_id, actor=Actor.staff(request.user))
            except DomainError:
                continue  # another staff member retried it meanwhile
            retried += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", retried)
            % {"count": retried},
        )


@admin.register(MarketingConsent)
class MarketingConsentAdmin(ReadOnlyModelAdmin):
    """The history of consent to marketing: changed only through its services."""

    list_display = ["created_at", "email", "channel", "is_given", "source", "recorded_by"]
    list_filter = ["channel", "is_given", "source"]
    search_fields = ["email"]
    show_full_result_count = False
