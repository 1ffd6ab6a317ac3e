"""The support desk's email channel: signed inbound emails and the support mailbox open and
continue tickets, robots are never answered, and what customers send is kept safely."""

import hashlib
import mailbox
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.actor import Actor
from core.queues import Queue
from inbox.models import WebhookEvent
from inbox.senders import sender_get
from inbox.signatures import signature_header
from support.channels import email_mailbox
from support.channels.email import (
    CLOSED_TICKET_QUOTE,
    FILES_REFUSED_NOTE,
    MAILBOX_PROVIDER,
    sandbox_inbound_email,
)
from support.models import Attachment, Message, Ticket
from support.services import IncomingFile, ticket_move
from tests.accounts.factories import UserFactory
from tests.support.factories import PDF, photo

pytestmark = pytest.mark.django_db

ANA = "ana@example.com.br"
URL = "/support/email/sandbox/"
JOB = Actor.job("test")
EXE = IncomingFile(name="boleto.exe", content=b"MZ\x90\x00\x03\x00\x00\x00 a program, not a picture")


def post_email(client, *, provider: str = "sandbox", **fields):
    fields.setdefault("from_email", ANA)
    fields.setdefault("subject", "Entrega atrasada")
    body, signature = sandbox_inbound_email(**fields)
    return client.post(
        f"/support/email/{provider}/",
        data=body,
        content_type="application/json",
        headers={"X-Signature": signature},
    )


def received(client, capture, **fields) -> Ticket | None:
    """Post an email and run what waits for the commit; the ticket its message landed on."""
    with capture(execute=True):
        response = post_email(client, **fields)
    assert response.status_code == 200, response.content
    message = Message.objects.filter(message_id=fields["message_id"]).first()
    return message.ticket if message else None


def acknowledgement(ticket: Ticket) -> Message:
    return ticket.messages.get(direction=Message.Direction.OUTBOUND)


def test_the_view_answers_at_its_named_address():
    assert reverse("support-webhooks:inbound-email", kwargs={"provider": "sandbox"}) == URL


def test_the_store_registers_the_email_sender():
    sender = sender_get("email")
    assert (sender.queue, sender.max_body_bytes, sender.secrets_setting) == (
        Queue.EMAIL,
        25 * 1024 * 1024,
        "STORE_INBOUND_EMAIL_SECRETS",
    )


def test_a_signed_email_opens_a_ticket_and_the_protocol_goes_back_threaded(
    client, django_capture_on_commit_callbacks
):
    # given
    customer = UserFactory(email=ANA)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_email(
            client,
            from_email="Ana@Example.com.br",
            from_name="Ana Lima",
            subject="Entrega atrasada",
            text="Meu pedido 1234 não chegou.",
            message_id="<m1@mail.example>",
        )
    # then
    assert response.status_code == 200
    assert response.json() == {"received": "<m1@mail.example>"}
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.customer, ticket.contact_email, ticket.contact_name, ticket.subject) == (
        "email",
        customer,
        ANA,
        "Ana Lima",
        "Entrega atrasada",
    )
    inbound = ticket.messages.get(direction=Message.Direction.INBOUND)
    assert (inbound.body_text, inbound.message_id, inbound.channel, inbound.is_automatic) == (
        "Meu pedido 1234 não chegou.",
        "<m1@mail.example>",
        "email",
        False,
    )
    [sent] = mail.outbox
    assert sent.to == [ANA]
    assert sent.subject == f"[Protocolo {ticket.protocol}] Entrega atrasada"
    assert sent.extra_headers["In-Reply-To"] == "<m1@mail.example>"
    assert sent.extra_headers["Message-ID"] == acknowledgement(ticket).message_id
    event = WebhookEvent.objects.get()
    assert (event.sender, event.provider, event.event_id, event.kind, event.status) == (
        "email",
        "sandbox",
        "<m1@mail.example>",
        "email",
        WebhookEvent.Status.APPLIED,
    )


def test_a_guest_gets_a_ticket_under_the_address_they_wrote_from(client, django_capture_on_commit_callbacks):
    ticket = received(
        client,
        django_capture_on_commit_callbacks,
        from_email="bia@example.net",
        text="Oi",
        message_id="<g@x>",
    )
    assert (ticket.customer, ticket.contact_email) == (None, "bia@example.net")


def test_a_reply_with_in_reply_to_lands_on_its_ticket_and_reopens_it(
    client, django_capture_on_commit_callbacks
):
    # given a resolved ticket the customer answers by replying to our acknowledgement
    ticket = received(
        client, django_capture_on_commit_callbacks, text="Não chegou.", message_id="<m1@mail.example>"
    )
    ticket_move(ticket_id=ticket.pk, to=Ticket.Status.RESOLVED, actor=JOB)
    mail.outbox.clear()
    # when
    again = received(
        client,
        django_capture_on_commit_callbacks,
        subject="Re: Entrega atrasada",
        text="Ainda não chegou.",
        message_id="<m2@mail.example>",
        in_reply_to=acknowledgement(ticket).message_id,
        references=f"<m1@mail.example> {acknowledgement(ticket).message_id}",
    )
    # then
    ticket.refresh_from_db()
    assert again == ticket
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.messages.filter(direction="in").values_list("body_text", flat=True)) == [
        "Não chegou.",
        "Ainda não chegou.",
    ]
    assert Ticket.objects.count() == 1
    assert mail.outbox == []  # a reply is not acknowledged again


def test_a_subject_quoting_the_protocol_threads_from_the_tickets_own_address(
    client, django_capture_on_commit_callbacks
):
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    again = received(
        client,
        django_capture_on_commit_callbacks,
        from_email=ANA.upper(),
        subject=f"Protocolo {ticket.protocol} - mais uma dúvida",
        text="E o frete?",
        message_id="<m2@mail.example>",
    )
    assert again == ticket
    assert Ticket.objects.count() == 1


def test_a_protocol_or_reply_from_another_address_opens_a_ticket_of_its_own(
    client, django_capture_on_commit_callbacks
):
    # given: our ids and protocols can be guessed, so they do not let a stranger into a ticket
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    # when
    other = received(
        client,
        django_capture_on_commit_callbacks,
        from_email="intruso@example.net",
        subject=f"Re: [Protocolo {ticket.protocol}] Entrega atrasada",
        text="Clique aqui",
        message_id="<x1@evil.example>",
        in_reply_to=acknowledgement(ticket).message_id,
    )
    # then
    assert other != ticket
    assert (other.contact_email, other.subject) == ("intruso@example.net", "Entrega atrasada")
    assert list(ticket.messages.filter(direction="in").values_list("message_id", flat=True)) == [
        "<m1@mail.example>"
    ]


def test_a_reply_to_a_closed_ticket_opens_a_new_one_quoting_it(client, django_capture_on_commit_callbacks):
    # given
    closed = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    ticket_move(ticket_id=closed.pk, to=Ticket.Status.CLOSED, actor=JOB)
    mail.outbox.clear()
    # when
    opened = received(
        client,
        django_capture_on_commit_callbacks,
        subject=f"Re: [Protocolo {closed.protocol}] Entrega atrasada",
        text="Voltou a acontecer.",
        message_id="<m2@mail.example>",
        in_reply_to=acknowledgement(closed).message_id,
    )
    # then
    assert opened != closed
    with translation.override("pt-br"):
        quote = gettext(CLOSED_TICKET_QUOTE) % {"protocol": closed.protocol}
    first = opened.messages.get(direction="in")
    assert first.body_text == f"{quote}\n\nVoltou a acontecer."
    assert opened.subject == "Entrega atrasada"
    assert closed.messages.filter(direction="in").count() == 1
    [sent] = mail.outbox
    assert sent.subject == f"[Protocolo {opened.protocol}] Entrega atrasada"
    assert sent.extra_headers["In-Reply-To"] == "<m2@mail.example>"


def test_the_same_email_delivered_twice_is_stored_once(client, django_capture_on_commit_callbacks):
    # given
    body, signature = sandbox_inbound_email(
        from_email=ANA, subject="Entrega", text="Oi", message_id="<m1@mail.example>"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(URL, data=body, content_type="application/json", headers={"X-Signature": signature})
            for _attempt in range(2)
        ]
    # then
    assert [response.status_code for response in responses] == [200, 200]
    assert WebhookEvent.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(message_id="<m1@mail.example>").count() == 1
    assert len(mail.outbox) == 1


def test_the_same_email_from_the_mailbox_and_the_webhook_lands_once(
    client, django_capture_on_commit_callbacks, tmp_path
):
    # given it came by webhook first
    received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    # when the mailbox has it too
    with django_capture_on_commit_callbacks(execute=True):
        fetch(mbox=write_mbox([customer_email(message_id="<m1@mail.example>")], path=tmp_path / "box"))
    # then the inbox keeps both copies, the ticket one message
    mailbox_copy = WebhookEvent.objects.get(provider=MAILBOX_PROVIDER)
    assert (mailbox_copy.status, mailbox_copy.note) == (WebhookEvent.Status.IGNORED, "delivered before")
    assert Message.objects.filter(message_id="<m1@mail.example>").count() == 1
    assert len(mail.outbox) == 1


def test_a_message_id_longer_than_an_event_id_is_stored_under_its_hash(
    client, django_capture_on_commit_callbacks
):
    long_id = f"<{'a' * 120}@mail.example>"
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id=long_id)
    assert WebhookEvent.objects.get().event_id == hashlib.sha256(long_id.encode()).hexdigest()
    assert ticket.messages.get(direction="in").message_id == long_id


@pytest.mark.parametrize(
    ("provider", "signature", "status"),
    [
        ("sandbox", None, 400),
        ("sandbox", "t=1,v1=00", 400),
        ("sandbox", "wrong secret", 400),
        ("unknown", "right", 404),
    ],
)
def test_unsigned_wrongly_signed_or_unknown_provider_stores_nothing(
    client, django_capture_on_commit_callbacks, provider, signature, status
):
    body, right = sandbox_inbound_email(
        from_email=ANA, subject="Oi", text="Oi", message_id="<m1@mail.example>"
    )
    headers = {}
    if signature == "right":
        headers["X-Signature"] = right
    elif signature == "wrong secret":
        headers["X-Signature"] = signature_header(body=body, secret="not-the-secret")
    elif signature is not None:
        headers["X-Signature"] = signature
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/support/email/{provider}/", data=body, content_type="application/json", headers=headers
        )
    assert response.status_code == status
    assert not WebhookEvent.objects.exists()
    assert not Ticket.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "fields",
    [
        {"from_email": "not an address"},
        {"message_id": "no brackets and spaces"},
    ],
    ids=["no sender address", "bad message id"],
)
def test_a_malformed_email_is_refused_and_stores_nothing(client, django_capture_on_commit_callbacks, fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_email(client, text="Oi", **{"message_id": "<m1@mail.example>", **fields})
    assert response.status_code == 400
    assert response.json()["error"].startswith("malformed email")
    assert not WebhookEvent.objects.exists() and not Ticket.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"From": "ana@example.com.br", "Headers": "x", "MessageID": "<a@b>"}'],
    ids=["not json", "not an object", "headers not a list"],
)
def test_a_body_in_no_known_shape_is_refused(client, body):
    signature = signature_header(body=body, secret="whsec_inbound_mail_test")
    response = client.post(
        URL, data=body, content_type="application/json", headers={"X-Signature": signature}
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Ausente até segunda"},
        {"Precedence": "bulk"},
    ],
    ids=lambda headers: next(iter(headers)),
)
def test_an_auto_reply_is_never_answered_and_opens_no_ticket(
    client, django_capture_on_commit_callbacks, headers
):
    # when
    ticket = received(
        client,
        django_capture_on_commit_callbacks,
        subject="Resposta automática: Promoção",
        text="Estou de férias.",
        message_id="<auto1@mail.example>",
        headers=headers,
    )
    # then
    assert ticket is None
    assert not Ticket.objects.exists()
    assert mail.outbox == []
    event = WebhookEvent.objects.get()
    assert (event.kind, event.status, event.note) == ("auto_reply", "ignored", "auto_reply for no ticket")


def test_an_auto_reply_to_a_ticket_is_kept_on_it_and_moves_nothing(
    client, django_capture_on_commit_callbacks
):
    # given a ticket waiting on the customer
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    ticket_move(ticket_id=ticket.pk, to=Ticket.Status.WAITING_CUSTOMER, actor=JOB)
    mail.outbox.clear()
    # when the customer's vacation reply answers our message
    again = received(
        client,
        django_capture_on_commit_callbacks,
        subject=f"Resposta automática: [Protocolo {ticket.protocol}] Entrega atrasada",
        text="Estou de férias.",
        message_id="<auto1@mail.example>",
        in_reply_to=acknowledgement(ticket).message_id,
        headers={"Auto-Submitted": "auto-replied"},
    )
    # then
    ticket.refresh_from_db()
    assert again == ticket
    assert ticket.messages.get(message_id="<auto1@mail.example>").is_automatic
    assert ticket.status == Ticket.Status.WAITING_CUSTOMER
    assert mail.outbox == []


def test_auto_submitted_no_is_a_person_writing(client, django_capture_on_commit_callbacks):
    ticket = received(
        client,
        django_capture_on_commit_callbacks,
        text="Oi",
        message_id="<m1@x>",
        headers={"Auto-Submitted": "no"},
    )
    assert ticket is not None and not ticket.messages.get(direction="in").is_automatic
    assert len(mail.outbox) == 1


def bounce_fields(*, returned_id: str) -> dict:
    return {
        "from_email": "MAILER-DAEMON@mx.example.net",
        "subject": "Undelivered Mail Returned to Sender",
        "text": (
            "This is the mail system at host mx.example.net.\n"
            "I'm sorry to have to inform you that your message could not be delivered.\n\n"
            f"Message-ID: {returned_id}\n"
        ),
        "message_id": "<bounce1@mx.example.net>",
        "headers": {"Content-Type": 'multipart/report; report-type=delivery-status; boundary="b1"'},
    }


def test_a_bounce_is_kept_on_the_ticket_it_returns_and_never_answered(
    client, django_capture_on_commit_callbacks
):
    # given
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    mail.outbox.clear()
    # when
    again = received(
        client,
        django_capture_on_commit_callbacks,
        **bounce_fields(returned_id=acknowledgement(ticket).message_id),
    )
    # then
    assert again == ticket
    bounce = ticket.messages.get(message_id="<bounce1@mx.example.net>")
    assert bounce.is_automatic
    assert WebhookEvent.objects.get(event_id="<bounce1@mx.example.net>").kind == "bounce"
    assert mail.outbox == []
    assert Ticket.objects.count() == 1


def test_a_bounce_of_nothing_we_know_opens_no_ticket(client, django_capture_on_commit_callbacks):
    received(
        client, django_capture_on_commit_callbacks, **bounce_fields(returned_id="<unknown@mail.example>")
    )
    assert not Ticket.objects.exists()
    assert mail.outbox == []
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED


def test_an_email_from_the_store_itself_is_never_answered(
    client, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "Loja Aurora <sac@loja.example>"
    received(
        client,
        django_capture_on_commit_callbacks,
        from_email="SAC@loja.example",
        text="x",
        message_id="<o@x>",
    )
    assert not Ticket.objects.exists()
    assert mail.outbox == []
    assert WebhookEvent.objects.get().kind == "own_address"


def test_html_is_stored_cleaned_and_its_text_kept(client, django_capture_on_commit_callbacks):
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        '<p onclick="steal()">Olá, <b>pedido 1234</b><script>alert(1)</script></p>'
        '<p><a href="javascript:alert(1)">clique</a> <a href="https://correios.com.br/x">rastreio</a></p>'
        '<img src="https://tracker.example/p.gif" onerror="steal()">'
        '<iframe src="https://evil.example">x</iframe>'
        '<form action="https://evil.example"><input name="a"></form>'
        "</body></html>"
    )
    ticket = received(client, django_capture_on_commit_callbacks, html=html, message_id="<h1@mail.example>")
    message = ticket.messages.get(direction="in")
    assert message.body_html == (
        "<p>Olá, <b>pedido 1234</b></p>"
        '<p><a rel="noopener noreferrer nofollow">clique</a> '
        '<a href="https://correios.com.br/x" rel="noopener noreferrer nofollow">rastreio</a></p>'
    )
    assert message.body_text == "Olá, pedido 1234\n\nclique rastreio"


def test_the_text_body_is_preferred_to_the_html_one(client, django_capture_on_commit_callbacks):
    ticket = received(
        client, django_capture_on_commit_callbacks, text="Texto", html="<p>HTML</p>", message_id="<t@x>"
    )
    message = ticket.messages.get(direction="in")
    assert (message.body_text, message.body_html) == ("Texto", "<p>HTML</p>")


def test_a_refused_attachment_is_dropped_with_an_internal_note_and_the_email_kept(
    client, django_capture_on_commit_callbacks
):
    # when
    ticket = received(
        client,
        django_capture_on_commit_callbacks,
        text="Segue a foto e o boleto.",
        message_id="<f1@mail.example>",
        files=[photo("foto.png"), EXE],
    )
    # then
    message = ticket.messages.get(direction="in")
    assert message.body_text == "Segue a foto e o boleto."
    assert list(message.attachments.values_list("filename", "content_type")) == [("foto.png", "image/png")]
    with translation.override("pt-br"):
        reason = gettext("%(name)s is not a picture (JPEG, PNG, GIF, WebP) or a PDF.") % {
            "name": "boleto.exe"
        }
        expected = gettext(FILES_REFUSED_NOTE) % {"reasons": reason}
    note = ticket.messages.get(direction=Message.Direction.NOTE)
    assert (note.body_text, note.channel, note.author) == (expected, "internal", None)
    assert len(mail.outbox) == 1
    assert "boleto.exe" not in mail.outbox[0].body  # the customer never sees the note


def test_an_email_larger_than_the_forms_limit_is_taken(client, django_capture_on_commit_callbacks, settings):
    # given a 3 MB PDF: more than Django lets a form post (2.5 MB), less than the email limit
    big_pdf = PDF + b"0" * (3 * 1024 * 1024)
    # when
    ticket = received(
        client,
        django_capture_on_commit_callbacks,
        text="Nota fiscal",
        message_id="<big@mail.example>",
        files=[IncomingFile(name="nota.pdf", content=big_pdf)],
    )
    # then
    assert Attachment.objects.get(message__ticket=ticket).size == len(big_pdf)


def test_a_body_over_the_senders_limit_answers_413(client):
    body = b"{" + b" " * (25 * 1024 * 1024) + b"}"
    signature = signature_header(body=body, secret="whsec_inbound_mail_test")
    response = client.post(
        URL, data=body, content_type="application/json", headers={"X-Signature": signature}
    )
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_the_webhook_takes_only_posts(client):
    assert client.get(URL).status_code == 405


# --- The support mailbox ------------------------------------------------------------------


def customer_email(
    *, message_id: str, sender: str = ANA, subject: str = "Troca de tamanho", files: tuple = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Ana Lima <{sender}>"
    message["To"] = "sac@loja.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content("Quero trocar o tamanho.")
    for name, content, kind in files:
        maintype, subtype = kind.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


def delivery_report(*, returned_id: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
        "To: loja@example.com.br\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce1@mx.example.net>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; ana@example.com.br\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {returned_id}\r\nSubject: Entrega atrasada\r\n"
        "--b1--\r\n"
    ).encode()


def write_mbox(messages: list, *, path) -> str:
    path = str(path)
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()
    return path


def fetch(**options) -> str:
    out = StringIO()
    call_command("support_fetch_mail", language="en", stdout=out, stderr=StringIO(), **options)
    return out.getvalue().strip()


def test_fetch_mail_imports_an_mbox_once(client, django_capture_on_commit_callbacks, tmp_path):
    # given a ticket whose acknowledgement bounced, and a new customer email, in an mbox
    ticket = received(client, django_capture_on_commit_callbacks, text="Oi", message_id="<m1@mail.example>")
    mail.outbox.clear()
    path = write_mbox(
        [
            customer_email(
                message_id="<n1@mail.example>",
                sender="bruno@example.net",
                files=(("nota.pdf", PDF, "application/pdf"),),
            ),
            delivery_report(returned_id=acknowledgement(ticket).message_id),
        ],
        path=tmp_path / "support.mbox",
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        output = fetch(mbox=path)
    # then
    assert output == "Emails read: 2. Stored: 2. Stored before: 0. Refused: 0. Left unread, too large: 0."
    opened = Ticket.objects.get(contact_email="bruno@example.net")
    inbound = opened.messages.get(direction="in")
    assert (opened.subject, opened.contact_name, inbound.body_text) == (
        "Troca de tamanho",
        "Ana Lima",
        "Quero trocar o tamanho.",
    )
    assert list(inbound.attachments.values_list("filename", flat=True)) == ["nota.pdf"]
    assert ticket.messages.get(message_id="<bounce1@mx.example.net>").is_automatic
    assert [sent.to for sent in mail.outbox] == [["bruno@example.net"]]
    assert set(WebhookEvent.objects.filter(provider=MAILBOX_PROVIDER).values_list("event_id", "status")) == {
        ("<n1@mail.example>", "applied"),
        ("<bounce1@mx.example.net>", "applied"),
    }
    # and a second run stores nothing new
    with django_capture_on_commit_callbacks(execute=True):
        again = fetch(mbox=path)
    assert again == "Emails read: 2. Stored: 0. Stored before: 2. Refused: 0. Left unread, too large: 0."
    assert WebhookEvent.objects.filter(provider=MAILBOX_PROVIDER).count() == 2
    assert Ticket.objects.count() == 2


def test_fetch_mail_imports_a_maildir_once(django_capture_on_commit_callbacks, tmp_path):
    # given
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(customer_email(message_id="<d1@mail.example>"))
    box.add(customer_email(message_id="<d2@mail.example>", sender="caio@example.net", subject="Nota fiscal"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = fetch(maildir=str(tmp_path / "Maildir"))
        second = fetch(maildir=str(tmp_path / "Maildir"))
    # then
    assert first == "Emails read: 2. Stored: 2. Stored before: 0. Refused: 0. Left unread, too large: 0."
    assert second == "Emails read: 2. Stored: 0. Stored before: 2. Refused: 0. Left unread, too large: 0."
    assert sorted(Ticket.objects.values_list("contact_email", "subject")) == [
        (ANA, "Troca de tamanho"),
        ("caio@example.net", "Nota fiscal"),
    ]
    assert len(mail.outbox) == 2


def test_fetch_mail_counts_an_email_with_no_sender_as_refused(django_capture_on_commit_callbacks, tmp_path):
    message = customer_email(message_id="<s1@mail.example>")
    del message["From"]
    with django_capture_on_commit_callbacks(execute=True):
        output = fetch(mbox=write_mbox([message], path=tmp_path / "box"))
    assert output == "Emails read: 1. Stored: 0. Stored before: 0. Refused: 1. Left unread, too large: 0."
    assert not WebhookEvent.objects.exists()


def test_fetch_mail_refuses_a_missing_mailbox(tmp_path, settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="The mailbox cannot be read"):
        fetch(maildir=str(tmp_path / "nowhere"))
    settings.STORE_SUPPORT_MAILBOX_URL = ""
    with pytest.raises(CommandError, match="STORE_SUPPORT_MAILBOX_URL"):
        fetch()


class FakeImap:
    """An IMAP server holding a folder of messages by UID, with their flags."""

    folder: dict[str, tuple[bytes, set[str]]] = {}
    logins: list[tuple[str, str]] = []

    def __init__(self, host: str, port: int, *, ssl_context, timeout: int) -> None:
        assert (host, port) == ("imap.example.net", 993)

    def login(self, user: str, password: str):
        self.logins.append((user, password))
        return "OK", [b"logged in"]

    def select(self, folder: str):
        assert folder == '"Suporte Loja"'
        return "OK", [str(len(self.folder)).encode()]

    def uid(self, command: str, *args: str):
        if command == "SEARCH":
            unseen = [uid for uid, (_raw, flags) in self.folder.items() if "\\Seen" not in flags]
            return "OK", [" ".join(unseen).encode()]
        if command == "FETCH" and args[1] == "(RFC822.SIZE)":
            lines = [
                f"{uid} (UID {uid} RFC822.SIZE {len(self.folder[uid][0])})" for uid in args[0].split(",")
            ]
            return "OK", [line.encode() for line in lines]
        if command == "FETCH" and args[1] == "(BODY.PEEK[])":
            raw = self.folder[args[0]][0]
            return "OK", [(f"{args[0]} (UID {args[0]} BODY[] {{{len(raw)}}}".encode(), raw), b")"]
        if command == "STORE" and args[1:] == ("+FLAGS", "(\\Seen)"):
            self.folder[args[0]][1].add("\\Seen")
            return "OK", [b""]
        raise AssertionError(f"unexpected {command} {args}")

    def close(self):
        return "OK", [b""]

    def logout(self):
        return "BYE", [b""]


def test_fetch_mail_reads_unread_imap_messages_and_marks_them_read_once_stored(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    # given two unread emails, one without a sender, and one read already
    no_sender = customer_email(message_id="<i2@mail.example>")
    del no_sender["From"]
    FakeImap.folder = {
        "7": (customer_email(message_id="<i1@mail.example>").as_bytes(), set()),
        "8": (no_sender.as_bytes(), set()),
        "9": (customer_email(message_id="<i0@mail.example>").as_bytes(), {"\\Seen"}),
    }
    FakeImap.logins = []
    monkeypatch.setattr(email_mailbox.imaplib, "IMAP4_SSL", FakeImap)
    settings.STORE_SUPPORT_MAILBOX_URL = (
        "imaps://sac%40loja.example:s3%2Fcret@imap.example.net/Suporte%20Loja"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        output = fetch()
    # then
    assert output == "Emails read: 2. Stored: 1. Stored before: 0. Refused: 1. Left unread, too large: 0."
    assert FakeImap.logins == [("sac@loja.example", "s3/cret")]
    assert {uid: flags for uid, (_raw, flags) in FakeImap.folder.items()} == {
        "7": {"\\Seen"},
        "8": set(),  # not stored: left unread for a person to look at
        "9": {"\\Seen"},
    }
    assert list(Ticket.objects.values_list("contact_email", flat=True)) == [ANA]
    assert WebhookEvent.objects.get().provider == MAILBOX_PROVIDER


def test_fetch_mail_leaves_imap_messages_over_the_limit_unread_without_downloading_them(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    FakeImap.folder = {"3": (b"x" * (25 * 1024 * 1024 + 1), set())}
    monkeypatch.setattr(email_mailbox.imaplib, "IMAP4_SSL", FakeImap)
    settings.STORE_SUPPORT_MAILBOX_URL = "imaps://sac:pw@imap.example.net/Suporte%20Loja"
    with django_capture_on_commit_callbacks(execute=True):
        output = fetch()
    assert output == "Emails read: 0. Stored: 0. Stored before: 0. Refused: 0. Left unread, too large: 1."
    assert FakeImap.folder["3"][1] == set()
