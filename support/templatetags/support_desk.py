from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def sla_badge(ticket) -> str:
    """How long until the ticket's next deadline: late in red, near in amber, paused in grey."""
    if ticket.sla_paused_at is not None:
        return format_html('<span class="badge text-bg-light" data-testid="sla">{}</span>', _("paused"))
    if ticket.sla_due_at is None or not ticket.is_open:
        return format_html('<span class="text-secondary">{}</span>', "—")
    now = timezone.now()
    due = timezone.localtime(ticket.sla_due_at).strftime("%d/%m %H:%M")
    if ticket.sla_due_at <= now:
        text = _("late by %(time)s") % {"time": timesince(ticket.sla_due_at, now, depth=1)}
        style = "text-bg-danger"
    else:
        text = _("%(time)s left") % {"time": timeuntil(ticket.sla_due_at, now, depth=1)}
        style = "text-bg-warning" if ticket.sla_warn_at and ticket.sla_warn_at <= now else "text-bg-success"
    return format_html('<span class="badge {}" title="{}" data-testid="sla">{}</span>', style, due, text)
