from django import template

from orders.adapters.boleto import format_digitable_line

register = template.Library()

register.filter("digitable_line", format_digitable_line)
