from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from backoffice.areas import areas_for_user
from backoffice.home_queues import HOME_QUEUES, home_queue_lines
from backoffice.selectors import customer_search
from core.actor import Actor
from core.exceptions import DomainError
from inbox.exceptions import NoticeRejected
from orders.selectors import payment_list_sandbox_pending
from orders.services.notices import EXPIRED, PAID, sandbox_notice_deliver
from orders.services.payments import is_sandbox_active
from storefront.accounts.forms import LoginForm
from support.notifications.models import Notification
from support.notifications.selectors import notification_list
from support.notifications.services import notification_retry


class StaffLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "backoffice/staff_login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return self.get_redirect_url() or "/backoffice/"


# Query budget of a manager's home (every queue), asserted in tests/backoffice/test_home_queues.py:
# session, user, two-factor, permissions (2), then one per queue of HOME_QUEUES (the periodic
# jobs' one only with a broker).
HOME_QUERIES = 5 + len(HOME_QUEUES)


def home_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    lines = home_queue_lines(user=request.user, now=now)
    context = {
        "queues": lines,
        "areas": areas_for_user(request.user),
        "late_jobs": next((line.items for line in lines if line.key == "periodic_jobs"), ()),
    }
    return render(request, "backoffice/home.html", context)


class CustomerListView(ListView):
    template_name = "backoffice/customer_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self):
        return customer_search(query=self.request.GET.get("q", "")[:100])


class NotificationListView(ListView):
    template_name = "backoffice/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return notification_list(status=self.request.GET.get("status", ""))

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            statuses=Notification.Status.choices,
            current_status=self.request.GET.get("status", ""),
            can_retry=self.request.user.has_perm("notifications.retry_notification"),
            **kwargs,
        )


@require_POST
def notification_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification_retry(notification_id=pk, actor=Actor.staff(request.user))
    except Notification.DoesNotExist:
        messages.error(request, _("This message does not exist."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The message was queued again."))
    return redirect("backoffice:notification-list")


class SandboxPaymentListView(ListView):
    """Pending test Pix and boletos, each with the sandbox provider's pay and expire buttons."""

    template_name = "backoffice/sandbox_payment_list.html"
    context_object_name = "payments"
    paginate_by = 25

    def dispatch(self, request, *args, **kwargs):
        if not is_sandbox_active():
            raise Http404("The sandbox provider is not in use.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return payment_list_sandbox_pending()


SANDBOX_NOTICES = {"pay": PAID, "expire": EXPIRED}


@require_POST
def sandbox_payment_notify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the sandbox provider's signed notice that a payment was paid or expired."""
    if not is_sandbox_active() or request.POST.get("action") not in SANDBOX_NOTICES:
        raise Http404("No such sandbox action.")
    payment = get_object_or_404(payment_list_sandbox_pending(), pk=pk)
    try:
        sandbox_notice_deliver(payment=payment, kind=SANDBOX_NOTICES[request.POST["action"]])
    except NoticeRejected as rejected:
        messages.error(request, _("The notice was refused: %(reason)s") % {"reason": rejected})
    else:
        messages.success(
            request,
            _("The notice for order %(number)s was sent; the store applies it in a moment.")
            % {"number": payment.order.number},
        )
    return redirect("backoffice:sandbox-payment-list")
