"""Every write the support desk makes, split by concern; the public names are re-exported here."""

from support.services.alerts import tickets_sla_watch
from support.services.attachments import IncomingFile
from support.services.replies import (
    macro_render,
    phone_call_log,
    ticket_note,
    ticket_reply,
    ticket_reply_with_macro,
)
from support.services.tickets import (
    Contact,
    Incoming,
    can_customer_escalate,
    ticket_assign,
    ticket_customer_message,
    ticket_escalate,
    ticket_merge,
    ticket_move,
    ticket_open,
    ticket_transition,
    ticket_update,
    ticket_view_record,
    tickets_close_resolved,
)

__all__ = [
    "Contact",
    "Incoming",
    "IncomingFile",
    "can_customer_escalate",
    "macro_render",
    "phone_call_log",
    "ticket_assign",
    "ticket_customer_message",
    "ticket_escalate",
    "ticket_merge",
    "ticket_move",
    "ticket_note",
    "ticket_open",
    "ticket_reply",
    "ticket_reply_with_macro",
    "ticket_transition",
    "ticket_update",
    "ticket_view_record",
    "tickets_close_resolved",
    "tickets_sla_watch",
]
