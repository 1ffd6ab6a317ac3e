from django import template

from core.actor import actor_display

register = template.Library()

# {{ event.actor|actor }}: who did it, in words, not as the stored `staff:…`/`job:…` label.
register.filter("actor", actor_display)
