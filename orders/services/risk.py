"""After payment: the risk analysis of an order and of its registration data, and the
decision it leads to (validate, hold for an analyst, or reject)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actor import Actor
from core.cep import state_for_cep
from core.cpf import cpf_region_states, is_valid_cnpj, is_valid_cpf, only_digits
from core.money import format_brl
from inventory.services import reservation_allocate, reservation_top_up
from orders.locks import lock_order
from orders.models import Order, Payment, RiskAnalysis, RiskCheck, RiskPolicy, RiskRule
from orders.selectors import RiskFacts, order_risk_facts
from orders.services.cancellation import order_cancel
from orders.services.transitions import order_transition
from orders.tasks import payment_capture as payment_capture_task

ANALYSIS_ACTOR = Actor.job("risk_analysis")
Code = RiskRule.Code

# What each check weighs until managers change it in the admin (a RiskRule row per check).
DEFAULT_WEIGHTS = {
    Code.VALUE_VS_HISTORY: 25,
    Code.FIRST_PURCHASE: 10,
    Code.REGION_MISMATCH: 10,
    Code.CEP_MISMATCH: 30,
    Code.CPF_SHARED: 30,
    Code.PAYMENT_ATTEMPTS: 25,
    Code.DISPOSABLE_EMAIL: 30,
    Code.BLOCKED_ADDRESS: 60,
    Code.UNUSUAL_QUANTITY: 15,
    Code.HOLDER_MISMATCH: 20,
    Code.PROVIDER_HIGH_RISK: 50,
}

# Thresholds of the checks themselves.
HISTORY_MULTIPLE = 3  # an order this many times the customer's average stands out
UNUSUAL_QUANTITY = 5
MAX_FAILED_PAYMENTS = 3
MAX_CARDS = 2
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "guerrillamail.com",
        "mailinator.com",
        "temp-mail.org",
        "tempmail.com",
        "throwawaymail.com",
        "yopmail.com",
        "sharklasers.com",
        "getnada.com",
        "trashmail.com",
    }
)
# Brazilian area codes (DDD) start 1-9 and never end in 0.
VALID_DDD = {f"{first}{second}" for first in "123456789" for second in "123456789"}


@dataclass(frozen=True)
class Finding:
    code: str
    kind: str
    hit: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return RiskCheck(code=self.code).label


def _score_note(score: int) -> str:
    return _("Risk score %(score)s") % {"score": score}


def _names(value: str) -> set[str]:
    return {part for part in value.upper().split() if len(part) > 2}


def fraud_findings(*, order: Order, facts: RiskFacts) -> list[Finding]:
    """Every fraud check of an order, hit or not, with the reason an analyst reads."""
    payment = facts.payment
    average = facts.previous_average
    cpf_region = cpf_region_states(order.cpf)
    holder = payment.card_holder if payment else ""
    domain = order.email.rsplit("@", 1)[-1].lower()
    return [
        Finding(
            Code.VALUE_VS_HISTORY,
            RiskCheck.Kind.FRAUD,
            bool(average) and order.grand_total > HISTORY_MULTIPLE * average,
            _("total %(total)s, average %(average)s")
            % {"total": format_brl(order.grand_total), "average": format_brl(average)}
            if average
            else _("no earlier orders"),
        ),
        Finding(
            Code.FIRST_PURCHASE,
            RiskCheck.Kind.FRAUD,
            facts.previous_orders == 0,
            ngettext("%(count)s earlier order", "%(count)s earlier orders", facts.previous_orders)
            % {"count": facts.previous_orders},
        ),
        Finding(
            Code.REGION_MISMATCH,
            RiskCheck.Kind.FRAUD,
            bool(cpf_region) and order.state not in cpf_region,
            _("CPF issued in %(region)s, delivery to %(state)s")
            % {"region": "/".join(sorted(cpf_region)), "state": order.state},
        ),
        Finding(
            Code.CEP_MISMATCH,
            RiskCheck.Kind.FRAUD,
            state_for_cep(order.cep) != order.state,
            _("CEP %(cep)s is in %(cep_state)s, the address says %(state)s")
            % {"cep": order.cep, "cep_state": state_for_cep(order.cep) or "?", "state": order.state},
        ),
        Finding(
            Code.CPF_SHARED,
            RiskCheck.Kind.FRAUD,
            facts.cpf_emails > 1,
            ngettext("CPF used with %(count)s email", "CPF used with %(count)s emails", facts.cpf_emails)
            % {"count": facts.cpf_emails},
        ),
        Finding(
            Code.PAYMENT_ATTEMPTS,
            RiskCheck.Kind.FRAUD,
            facts.failed_payments >= MAX_FAILED_PAYMENTS or facts.cards_tried > MAX_CARDS,
            _("%(failed)s failed payments, %(cards)s cards in 24 h")
            % {"failed": facts.failed_payments, "cards": facts.cards_tried},
        ),
        Finding(Code.DISPOSABLE_EMAIL, RiskCheck.Kind.FRAUD, domain in DISPOSABLE_DOMAINS, domain),
        Finding(
            Code.BLOCKED_ADDRESS,
            RiskCheck.Kind.FRAUD,
            facts.address_blocked,
            f"{order.cep} {order.street_number}",
        ),
        Finding(
            Code.UNUSUAL_QUANTITY,
            RiskCheck.Kind.FRAUD,
            facts.largest_quantity >= UNUSUAL_QUANTITY,
            _("up to %(quantity)s of one item") % {"quantity": facts.largest_quantity},
        ),
        Finding(
            Code.HOLDER_MISMATCH,
            RiskCheck.Kind.FRAUD,
            bool(holder) and not (_names(holder) & _names(order.full_name)),
            _("card of %(holder)s") % {"holder": holder} if holder else _("not a card"),
        ),
        Finding(
            Code.PROVIDER_HIGH_RISK,
            RiskCheck.Kind.FRAUD,
            bool(payment) and payment.provider_flag == "high_risk",
            _("flagged as high risk") if payment and payment.provider_flag == "high_risk" else "",
        ),
    ]


def data_findings(*, order: Order) -> list[Finding]:
    """The registration data checks: CPF (and a company's CNPJ), name, email, phone and address as typed."""
    phone = only_digits(order.phone)
    try:
        validate_email(order.email)
        email_ok = True
    except ValidationError:
        email_ok = False
    name_parts = order.full_name.split()
    company = (
        [Finding(RiskCheck.DataCode.CNPJ, RiskCheck.Kind.DATA, not is_valid_cnpj(order.cnpj), order.cnpj)]
        if order.cnpj
        else []
    )
    return [
        *company,
        Finding(RiskCheck.DataCode.CPF, RiskCheck.Kind.DATA, not is_valid_cpf(order.cpf), order.cpf),
        Finding(
            RiskCheck.DataCode.NAME,
            RiskCheck.Kind.DATA,
            len(name_parts) < 2 or any(character.isdigit() for character in order.full_name),
            order.full_name,
        ),
        Finding(RiskCheck.DataCode.EMAIL, RiskCheck.Kind.DATA, not email_ok, order.email),
        Finding(
            RiskCheck.DataCode.PHONE,
            RiskCheck.Kind.DATA,
            len(phone) not in (10, 11) or phone[:2] not in VALID_DDD,
            order.phone,
        ),
        Finding(
            RiskCheck.DataCode.ADDRESS,
            RiskCheck.Kind.DATA,
            not all(
                (
                    order.street.strip(),
                    order.street_number.strip(),
                    order.district.strip(),
                    order.city.strip(),
                )
            ),
            f"{order.street}, {order.street_number} · {order.district} · {order.city}",
        ),
    ]


def _decision(*, score: int, policy: RiskPolicy) -> str:
    if score >= policy.reject_at:
        return RiskAnalysis.Decision.REJECT
    if score >= policy.review_at:
        return RiskAnalysis.Decision.REVIEW
    return RiskAnalysis.Decision.APPROVE


@transaction.atomic
def order_analyse(*, order_id: int) -> RiskAnalysis | None:
    """Analyse a paid order and act on it: low risk and clean data validate it (and capture
    the card); a high score rejects it (refund or void, stock back, customer told); anything
    else holds it with its reason (registration data, address, fraud review, stock) for an
    analyst. Returns None when the order is no longer waiting for this (safe to repeat)."""
    order = lock_order(order_id)
    if order.status != Order.Status.PAID:
        return None
    if order.channel == Order.Channel.EXCHANGE:
        # The store chose to send it: no risk to score, only the return or stock to wait for.
        _order_go_on(order=order, note=_("Exchange: no risk analysis"))
        return None
    facts = order_risk_facts(order=order)
    weights = {
        **DEFAULT_WEIGHTS,
        **{
            code: weight if is_active else 0
            for code, weight, is_active in RiskRule.objects.values_list("code", "weight", "is_active")
        },
    }
    findings = fraud_findings(order=order, facts=facts) + data_findings(order=order)
    score = sum(
        weights.get(finding.code, 0) for finding in findings if finding.hit and finding.kind == "fraud"
    )
    policy = RiskPolicy.objects.order_by("pk").first() or RiskPolicy()
    analysis = RiskAnalysis.objects.create(
        order=order,
        score=min(score, 32767),
        decision=_decision(score=score, policy=policy),
        has_data_problems=any(finding.hit for finding in findings if finding.kind == "data"),
    )
    RiskCheck.objects.bulk_create(
        RiskCheck(
            analysis=analysis,
            kind=finding.kind,
            code=finding.code,
            hit=finding.hit,
            weight=weights.get(finding.code, 0) if finding.kind == "fraud" else 0,
            detail=finding.detail[:300],
        )
        for finding in findings
    )
    hits = {finding.code for finding in findings if finding.hit}
    if analysis.decision == RiskAnalysis.Decision.REJECT:
        order_reject(order_id=order.pk, actor=ANALYSIS_ACTOR, reason=_score_note(score))
    elif analysis.has_data_problems:
        order_hold(
            order_id=order.pk,
            reason=Order.HoldReason.REGISTRATION_DATA,
            actor=ANALYSIS_ACTOR,
            note=", ".join(
                sorted(finding.label for finding in findings if finding.hit and finding.kind == "data")
            ),
        )
    elif Code.CEP_MISMATCH in hits:
        order_hold(
            order_id=order.pk,
            reason=Order.HoldReason.ADDRESS,
            actor=ANALYSIS_ACTOR,
            note=_score_note(score),
        )
    elif analysis.decision == RiskAnalysis.Decision.REVIEW:
        order_hold(
            order_id=order.pk, reason=Order.HoldReason.FRAUD, actor=ANALYSIS_ACTOR, note=_score_note(score)
        )
    else:
        _order_go_on(order=order, note=_score_note(score))
    return analysis


def _order_go_on(*, order: Order, note: str) -> None:
    """An order cleared to ship goes to the warehouse, unless it waits for the items an
    exchange replaces or for stock."""
    if order.awaits_return:
        order_hold(order_id=order.pk, reason=Order.HoldReason.RETURN, actor=ANALYSIS_ACTOR, note=note)
    elif order.units_short:
        order_hold(
            order_id=order.pk,
            reason=Order.HoldReason.STOCK,
            actor=ANALYSIS_ACTOR,
            note=ngettext("%(count)s unit short", "%(count)s units short", order.units_short)
            % {"count": order.units_short},
        )
    else:
        order_validate(order_id=order.pk, actor=ANALYSIS_ACTOR, note=note)


def order_release_after_return(*, order_id: int, actor: Actor, note: str) -> Order:
    """An exchange's replacement may ship now (the items came back, or a manager trusts the
    customer): held for it, it goes to the warehouse (or waits for stock); not paid yet, it
    goes on once paid. Must run inside the caller's transaction; safe to repeat."""
    order = lock_order(order_id)
    if not order.awaits_return:
        return order
    order.awaits_return = False
    order.save(update_fields=["awaits_return", "updated_at"])
    if order.status != Order.Status.ON_HOLD or order.hold_reason != Order.HoldReason.RETURN:
        return order
    if order_stock_recheck(order_id=order_id):
        order.hold_reason = Order.HoldReason.STOCK
        order.save(update_fields=["hold_reason", "updated_at"])
        return order
    return order_validate(order_id=order_id, actor=actor, note=note)


def order_hold(*, order_id: int, reason: str, actor: Actor, note: str = "") -> Order:
    """Put an order in the hold queue for a reason. Must run inside the caller's transaction."""
    order = order_transition(
        order_id=order_id,
        to=Order.Status.ON_HOLD,
        actor=actor,
        note=_("%(reason)s: %(note)s") % {"reason": Order.HoldReason(reason).label, "note": note}
        if note
        else str(Order.HoldReason(reason).label),
        hold_reason=reason,
    )
    order.hold_reason, order.held_at = reason, timezone.now()
    order.save(update_fields=["hold_reason", "held_at", "updated_at"])
    return order


def order_stock_recheck(*, order_id: int) -> int:
    """Allocate what has come in since for an order short of stock; return the units still
    short (0: it can go on). Must run inside the caller's transaction."""
    order = lock_order(order_id)
    reference = f"order:{order_id}"
    not_held = reservation_top_up(
        reference=reference, lines=order.lines.values_list("variant_id", "quantity"), actor=ANALYSIS_ACTOR
    )
    order.units_short = not_held + reservation_allocate(reference=reference)
    order.save(update_fields=["units_short", "updated_at"])
    return order.units_short


STOCK_BATCH = 200


def orders_stock_recheck(*, actor: Actor = ANALYSIS_ACTOR) -> int:
    """Validate one batch of orders held for stock whose stock has come in; return how many."""
    released = 0
    held = Order.objects.filter(status=Order.Status.ON_HOLD, hold_reason=Order.HoldReason.STOCK)
    for order_id in held.order_by("held_at").values_list("pk", flat=True)[:STOCK_BATCH]:
        with transaction.atomic():
            order = lock_order(order_id)
            if order.status != Order.Status.ON_HOLD or order.hold_reason != Order.HoldReason.STOCK:
                continue
            if order_stock_recheck(order_id=order_id) == 0:
                order_validate(order_id=order_id, actor=actor, note=_("Stock arrived"))
                released += 1
    return released


def order_validate(*, order_id: int, actor: Actor, note: str = "") -> Order:
    """The order may go to the warehouse: its card is captured once this commits. Must run
    inside the caller's transaction."""
    order = order_transition(order_id=order_id, to=Order.Status.VALIDATED, actor=actor, note=note)
    order.hold_reason, order.held_at = "", None
    order.save(update_fields=["hold_reason", "held_at", "updated_at"])
    for payment_id in order.payments.filter(status=Payment.Status.AUTHORISED).values_list("pk", flat=True):
        payment_capture_task.delay_on_commit(payment_id=payment_id)
    return order


def order_reject(*, order_id: int, actor: Actor, reason: str, by_analyst: bool = False) -> Order:
    """Refuse a paid order (see `order_cancel`). Must run inside the caller's transaction."""
    cancel_reason = Order.CancelReason.ANALYST if by_analyst else Order.CancelReason.RISK
    return order_cancel(order_id=order_id, actor=actor, reason=cancel_reason, note=reason)


# A paid order not analysed within this time lost its task: enqueue it again.
ANALYSE_AFTER = timedelta(minutes=10)
RECONCILE_BATCH = 200


def orders_analyse_reconcile(*, now=None) -> int:
    """Enqueue again the analysis of paid orders that waited too long; return how many."""
    from orders.tasks import order_analyse as order_analyse_task

    stuck = list(
        Order.objects.filter(status=Order.Status.PAID, updated_at__lt=(now or timezone.now()) - ANALYSE_AFTER)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for order_id in stuck:
        order_analyse_task.delay(order_id=order_id)
    return len(stuck)
