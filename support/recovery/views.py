"""The reminders' unsubscribe link: one click stops them (and the one-click button of mail
programs, RFC 8058, posts to the same address); the page lets the person take it back."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from support.recovery.exceptions import RecoveryLinkInvalid
from support.recovery.models import RecoveryOptOut
from support.recovery.services import recovery_email_read, recovery_opt_in, recovery_opt_out


def _invalid(request: HttpRequest, error: RecoveryLinkInvalid) -> HttpResponse:
    return render(request, "recovery/unsubscribe.html", {"invalid": error.message}, status=404)


@never_cache
@csrf_exempt  # mail programs post the one-click unsubscribe without a form of ours
@require_http_methods(["GET", "POST"])
def recovery_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = recovery_email_read(token=token)
    except RecoveryLinkInvalid as error:
        return _invalid(request, error)
    source = RecoveryOptOut.Source.LINK if request.method == "GET" else RecoveryOptOut.Source.MAIL_CLIENT
    recovery_opt_out(email=email, source=source)
    # The same answer whether or not the address ever got a reminder: nothing leaks.
    return render(request, "recovery/unsubscribe.html", {"token": token, "stopped": True})


@never_cache
@require_POST
def recovery_resubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = recovery_email_read(token=token)
    except RecoveryLinkInvalid as error:
        return _invalid(request, error)
    recovery_opt_in(email=email)
    return render(request, "recovery/unsubscribe.html", {"token": token, "stopped": False})
