from core.actor import Actor
from support.models import Channel, Ticket
from support.services import Contact, Incoming, ticket_open
from support.services.attachments import IncomingFile
from tests.accounts.factories import UserFactory

# The smallest real PNG and PDF: what the attachment check takes.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo(name: str = "foto.png") -> IncomingFile:
    return IncomingFile(name=name, content=PNG)


def open_ticket(
    *,
    customer=None,
    email: str = "",
    channel: str = Channel.WEB,
    body: str = "Meu pedido não chegou.",
    **kwargs,
) -> Ticket:
    """A ticket opened the way the Help page opens one."""
    if customer is None and not email:
        customer = UserFactory()
    return ticket_open(
        contact=Contact(customer=customer, email=email, name="" if customer else "Maria Souza"),
        subject=kwargs.pop("subject", "Entrega atrasada"),
        incoming=Incoming(channel=channel, body_text=body, files=kwargs.pop("files", [])),
        actor=Actor.customer(customer),
        **kwargs,
    )
