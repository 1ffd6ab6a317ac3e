from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.adapters.boleto import format_digitable_line
from orders.models import Payment

register = template.Library()

register.filter("digitable_line", format_digitable_line)

# The store's promise on how long money given back takes to reach the payer, by how it was
# paid. A Pix is sent back to the paying account by the provider as soon as the refund runs;
# a boleto has no account to send it back to, so a person transfers it once the payer says where.
REFUND_BUSINESS_DAYS = {Payment.Method.PIX: 1, Payment.Method.BOLETO: 5}


@register.simple_tag
def payment_method_label(payment: Payment) -> str:
    """How the payment was made, in a few words: "Pix", "Boleto", "Credit card: Visa ending in 1111"."""
    if payment.method == Payment.Method.CARD and payment.card_last4:
        return _("Credit card: %(brand)s ending in %(last4)s") % {
            "brand": payment.card_brand.capitalize(),
            "last4": payment.card_last4,
        }
    return payment.get_method_display()


@register.simple_tag
def refund_terms(payment: Payment) -> str:
    """How money given back reaches the payer, and by when, in one sentence for pages and emails."""
    if payment.method == Payment.Method.PIX:
        days = REFUND_BUSINESS_DAYS[Payment.Method.PIX]
        return ngettext(
            "The money goes back by Pix to the account that paid, within %(days)s business day.",
            "The money goes back by Pix to the account that paid, within %(days)s business days.",
            days,
        ) % {"days": days}
    if payment.method == Payment.Method.BOLETO:
        days = REFUND_BUSINESS_DAYS[Payment.Method.BOLETO]
        return ngettext(
            "A boleto cannot be paid back automatically: reply to our email with a bank account or a "
            "Pix key in the name of %(name)s, and the money reaches it by bank transfer within "
            "%(days)s business day of your reply.",
            "A boleto cannot be paid back automatically: reply to our email with a bank account or a "
            "Pix key in the name of %(name)s, and the money reaches it by bank transfer within "
            "%(days)s business days of your reply.",
            days,
        ) % {"name": payment.order.full_name, "days": days}
    return _(
        "The money goes back to the card ending in %(last4)s; depending on the card issuer it shows "
        "on your statement within up to two billing cycles."
    ) % {"last4": payment.card_last4}
