"""Complaints and mentions made in public: the sandbox feed, CSV and JSON files staff copy
from the sites, all-or-nothing batches that name each bad line, the ombudsman's cases with
the platform's deadline, and recording that the public answer went up."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from support.channels.social import (
    ComplaintFeed,
    PublicComplaint,
    complaints_check,
    complaints_import,
    complaints_read,
    ticket_public_answer_posted,
)
from support.exceptions import ComplaintFeedUnavailable, ComplaintsRefused, PublicAddressMissing
from support.models import ComplaintFeedCursor, Message, SandboxComplaint, Ticket
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)  # a Thursday
JOB = Actor.job("test")
SANDBOX = "support.channels.social.SandboxComplaintFeed"

CSV_FILE = """\
source;reference;url;author_name;author_email;author_phone;title;text;published_at;deadline
reclame_aqui;RA-1001;https://www.reclameaqui.com.br/loja-aurora/pedido-nao-chegou_RA1001/;Maria Souza;\
Maria@Example.com.br;;Pedido não chegou;"Comprei há 20 dias.
Até agora nada.";02/12/2026 às 14h32;
instagram;18012345678;https://www.instagram.com/p/C0abc/;@joao.lima;;(11) 98765-4321;;\
Vocês não respondem no direct!;2026-12-03T08:15:00-03:00;
"""


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def complaint(**fields) -> PublicComplaint:
    values = {
        "source": "reclame_aqui",
        "reference": "RA-1",
        "url": "https://www.reclameaqui.com.br/loja-aurora/ra-1/",
        "author_name": "Maria Souza",
        "author_email": "maria@example.com.br",
        "text": "Meu pedido não chegou.",
        "published_at": timezone.now() - timedelta(hours=3),
        **fields,
    }
    return PublicComplaint(**values)


def sandbox_complaint(**fields) -> SandboxComplaint:
    values = {
        "source": "reclame_aqui",
        "reference": "RA-1",
        "url": "https://www.reclameaqui.com.br/loja-aurora/ra-1/",
        "author_name": "Maria Souza",
        "author_email": "maria@example.com.br",
        "title": "Pedido não chegou",
        "text": "Comprei há 20 dias e nada.",
        "published_at": timezone.now() - timedelta(hours=3),
        **fields,
    }
    return SandboxComplaint.objects.create(**values)


def run(*args: str) -> str:
    out = StringIO()
    call_command("support_import_complaints", *args, "--language", "en", stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class UnavailableFeed(ComplaintFeed):
    """A site that does not answer, as a real adapter reports it."""

    def fetch(self, since: datetime) -> list[PublicComplaint]:
        raise ComplaintFeedUnavailable("503 from the site")


# The feeds


def test_the_sandbox_feed_imports_its_complaints_once(django_capture_on_commit_callbacks):
    # given
    sandbox_complaint(reference="RA-1")
    sandbox_complaint(
        source="instagram",
        reference="ig-77",
        url="https://www.instagram.com/p/C0x/",
        author_email="",
        author_phone="11987654321",
    )
    deadline = timezone.now() + timedelta(days=10)
    sandbox_complaint(source="consumidor_gov", reference="CG-5", url="", deadline=deadline)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = run("--feeds")
    second = run("--feeds")
    # then
    assert first == (
        f"Feed {SANDBOX}: Complaints read: 3. Tickets opened: 3. Imported before, left as they were: 0.\n"
    )
    assert "Tickets opened: 0." in second
    tickets = {ticket.external_reference: ticket for ticket in Ticket.objects.all()}
    assert sorted(tickets) == ["consumidor_gov:CG-5", "instagram:ig-77", "reclame_aqui:RA-1"]
    assert tickets["reclame_aqui:RA-1"].channel == "social"
    assert tickets["instagram:ig-77"].contact_phone == "11987654321"
    assert tickets["consumidor_gov:CG-5"].queue.code == "ouvidoria"
    assert len(mail.outbox) == 2  # the protocol went to the two authors with an email
    assert ComplaintFeedCursor.objects.get(feed=SANDBOX).fetched_until <= timezone.now()


def test_the_next_fetch_asks_only_for_what_was_published_since_the_last():
    # given
    with time_machine.travel(NOW, tick=False):
        sandbox_complaint(reference="RA-1", published_at=NOW - timedelta(days=2))
        sandbox_complaint(reference="RA-old", published_at=NOW - timedelta(days=30))
        run("--feeds")
    # when
    later = NOW + timedelta(hours=5)
    with time_machine.travel(later, tick=False):
        sandbox_complaint(reference="RA-2", published_at=later - timedelta(minutes=10))
        out = run("--feeds")
    # then
    assert "Complaints read: 1. Tickets opened: 1." in out
    references = set(Ticket.objects.values_list("external_reference", flat=True))
    assert references == {"reclame_aqui:RA-1", "reclame_aqui:RA-2"}  # 30 days ago: before the first fetch
    assert ComplaintFeedCursor.objects.get(feed=SANDBOX).fetched_until == later


def test_a_refused_feed_batch_is_asked_for_again_once_fixed(settings):
    # given
    settings.STORE_COMPLAINT_FEEDS = ["tests.support.test_social.UnavailableFeed", SANDBOX]
    bad = sandbox_complaint(reference="RA-1", url="not an address")
    sandbox_complaint(reference="RA-2")
    # when
    with pytest.raises(CommandError) as refused:
        run("--feeds")
    # then
    assert str(refused.value) == (
        "Feed tests.support.test_social.UnavailableFeed could not be read: 503 from the site\n"
        f"Feed {SANDBOX}: 1 problem found; nothing was imported.\n"
        "Line 1, column url: Enter the complaint's address, starting with https:// "
        "(at most 500 characters)."
    )
    assert not Ticket.objects.exists()
    assert not ComplaintFeedCursor.objects.exists()
    # when the site fixes the complaint
    bad.url = "https://www.reclameaqui.com.br/loja-aurora/ra-1/"
    bad.save()
    settings.STORE_COMPLAINT_FEEDS = [SANDBOX]
    out = run("--feeds")
    # then
    assert "Tickets opened: 2." in out
    assert Ticket.objects.count() == 2


# Files


def test_a_csv_file_opens_a_ticket_per_complaint(frozen, tmp_path, django_capture_on_commit_callbacks):
    # given
    path = write(tmp_path, "reclamacoes.csv", CSV_FILE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--file", str(path))
    # then
    assert out == "Complaints read: 2. Tickets opened: 2. Imported before, left as they were: 0.\n"
    site = Ticket.objects.get(external_reference="reclame_aqui:RA-1001")
    assert (site.channel, site.queue.code, site.subject) == ("social", "sac", "Pedido não chegou")
    assert site.public_url == "https://www.reclameaqui.com.br/loja-aurora/pedido-nao-chegou_RA1001/"
    assert (site.contact_name, site.contact_email) == ("Maria Souza", "maria@example.com.br")
    assert (
        site.messages.get(direction=Message.Direction.INBOUND).body_text
        == "Comprei há 20 dias.\nAté agora nada."
    )
    assert site.messages.filter(direction=Message.Direction.OUTBOUND).count() == 1  # the protocol
    assert mail.outbox[0].to == ["maria@example.com.br"]
    post = Ticket.objects.get(external_reference="instagram:18012345678")
    assert (post.contact_phone, post.subject) == ("11987654321", "Vocês não respondem no direct!")
    assert [message.direction for message in post.messages.all()] == [Message.Direction.INBOUND]
    assert len(mail.outbox) == 1


def test_brazilian_and_iso_dates_are_read_in_the_stores_time(frozen):
    # given
    content = CSV_FILE.encode()
    # when
    complaints = complaints_read(content)
    # then
    assert [item.published_at for item in complaints] == [
        datetime(2026, 12, 2, 14, 32, tzinfo=ZONE),
        datetime(2026, 12, 3, 8, 15, tzinfo=ZONE),
    ]
    assert [item.line for item in complaints] == [2, 3]  # a cell with a line break is one row


def test_a_json_file_of_consumer_body_cases_goes_to_the_ombudsman_with_their_deadline(frozen, tmp_path):
    # given: two days is earlier than the ombudsman's five
    items = [
        {
            "source": "consumidor_gov",
            "reference": 20261203001,
            "url": "https://www.consumidor.gov.br/pages/reclamacao/20261203001",
            "author_name": "Carla Dias",
            "author_email": "carla@example.com.br",
            "author_phone": None,
            "title": "Cobrança em dobro",
            "text": "Fui cobrada duas vezes no cartão.",
            "published_at": "2026-12-02 09:00",
            "deadline": "05/12/2026 18:00",
        },
        {
            "source": "procon",
            "reference": "PROCON-SP 123/2026",
            "author_name": "José Alves",
            "author_phone": "+55 11 3333-4444",
            "text": "Notificação: produto com defeito não trocado.",
            "published_at": "2026-12-01",
            "deadline": "2026-12-04",
        },
    ]
    path = write(tmp_path, "consumidor.json", json.dumps(items, ensure_ascii=False, indent=2))
    # when
    run("--file", str(path))
    # then
    case = Ticket.objects.get(external_reference="consumidor_gov:20261203001")
    deadline = datetime(2026, 12, 5, 18, 0, tzinfo=ZONE)
    assert (case.channel, case.queue.code) == ("consumer_body", "ouvidoria")
    assert case.external_deadline == deadline
    assert case.resolution_due_at == deadline
    notice = Ticket.objects.get(external_reference="procon:PROCON-SP 123/2026")
    assert notice.public_url == ""
    assert notice.resolution_due_at == datetime(2026, 12, 4, 23, 59, 59, tzinfo=ZONE)  # the day's end
    assert notice.subject == "Notificação: produto com defeito não trocado."


def test_importing_the_same_file_again_changes_nothing(frozen, tmp_path):
    # given
    path = write(tmp_path, "reclamacoes.csv", CSV_FILE)
    run("--file", str(path))
    before = list(Ticket.objects.values_list("pk", "updated_at"))
    # when
    out = run("--file", str(path))
    # then
    assert out == "Complaints read: 2. Tickets opened: 0. Imported before, left as they were: 2.\n"
    assert list(Ticket.objects.values_list("pk", "updated_at")) == before
    assert Message.objects.count() == 3


def test_a_complaint_imported_before_is_recognised_even_after_its_deadline():
    # given
    with time_machine.travel(NOW, tick=False):
        deadline = NOW + timedelta(days=2)
        case = complaint(source="consumidor_gov", reference="CG-1", url="", deadline=deadline)
        complaints_import(complaints=[case], actor=JOB)
    # when
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        result = complaints_import(complaints=[case], actor=JOB)
    # then
    assert (result.opened, result.known) == ([], 1)


def test_a_bad_file_stores_nothing_and_names_each_bad_line(frozen, tmp_path):
    # given: one good complaint among bad ones
    rows = [
        "source,reference,url,author_email,author_phone,text,published_at,deadline",
        "reclame_aqui,RA-1,https://www.reclameaqui.com.br/loja-aurora/ra-1/,a@example.com.br,,Não chegou,"
        "02/12/2026,",
        "reclame_aqui,RA-2,https://www.reclameaqui.com.br/loja-aurora/ra-2/,b@example.com.br,,,02/12/2026,",
        "reclame_aqui,RA-3,www.reclameaqui,c@example.com.br,,Não chegou,02/12/2026,",
        "orkut,OK-1,https://orkut.com/1,d@example.com.br,,Não chegou,02/12/2026,",
        "consumidor_gov,CG-1,,e@example.com.br,,Cobrança,02/12/2026,01/12/2026",
        "reclame_aqui,RA-1,https://www.reclameaqui.com.br/loja-aurora/ra-1/,a@example.com.br,,Não chegou,"
        "02/12/2026,",
        "instagram,IG-1,https://www.instagram.com/p/1/,,,Péssimo,ontem,",
        "x,X-1,https://x.com/u/status/1,f@example,123,Demora,2026-12-24,",
    ]
    path = write(tmp_path, "reclamacoes.csv", "\n".join(rows) + "\n")
    # when
    with pytest.raises(CommandError) as refused:
        run("--file", str(path))
    # then
    assert str(refused.value).splitlines() == [
        "10 problems found; nothing was imported.",
        "Line 3, column text: This field is required.",
        "Line 4, column url: Enter the complaint's address, starting with https:// (at most 500 characters).",
        "Line 5, column source: Unknown source orkut: use one of reclame_aqui, instagram, facebook, x, "
        "consumidor_gov, procon.",
        "Line 6, column deadline: The deadline has already passed.",
        "Line 7, column reference: This complaint is repeated: it is already on line 2.",
        "Line 8, column published_at: Enter a date such as 2026-12-03 14:30 or 03/12/2026 14:30.",
        "Line 8, column author_email: Give an email or a phone to answer the customer on.",
        "Line 9, column author_email: Enter a valid email address.",
        "Line 9, column author_phone: Enter a phone number with 8 to 15 digits.",
        "Line 9, column published_at: The complaint cannot have been published in the future.",
    ]
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()


def test_a_header_without_a_required_column_is_refused_before_the_rows_are_read(tmp_path):
    # given
    path = write(tmp_path, "reclamacoes.csv", "source;reference;texto;published_at\nx;1;Oi;2026-12-01\n")
    # when
    with pytest.raises(CommandError) as refused:
        run("--file", str(path))
    # then
    assert str(refused.value).splitlines() == [
        "2 problems found; nothing was imported.",
        "Line 1, column text: This required column is missing from the header.",
        "Line 1, column texto: Unknown column.",
    ]


def test_a_json_file_names_items_that_are_not_complaints(frozen):
    # given
    items = [["reclame_aqui", "RA-1"], {"source": "x", "reference": "1", "text": 42, "posted": "hoje"}]
    # when
    with pytest.raises(ComplaintsRefused) as refused, translation.override("en"):
        complaints_read(json.dumps(items).encode())
    # then
    assert [(problem.line, problem.column, problem.code) for problem in refused.value.problems] == [
        (1, "", "not_an_object"),
        (2, "text", "not_text"),
        (2, "posted", "unknown_column"),
        (2, "url", "required"),
        (2, "author_email", "contact_missing"),
        (2, "published_at", "required"),
    ]


def test_a_file_that_is_not_utf8_or_not_json_is_refused_whole():
    with pytest.raises(ComplaintsRefused) as latin1:
        complaints_read("source;reference\nreclame_aqui;Reclamação".encode("latin-1"))
    with pytest.raises(ComplaintsRefused) as broken:
        complaints_read(b'[{"source": "x",\n "reference": }]')
    assert [problem.code for problem in latin1.value.problems] == ["not_utf8"]
    assert [(problem.line, problem.code) for problem in broken.value.problems] == [(2, "bad_json")]


def test_the_reference_must_fit_the_tickets_external_reference():
    # given: "reclame_aqui:" is 13 characters, the ticket keeps 60
    fits, too_long = complaint(reference="R" * 47), complaint(reference="R" * 48)
    # when
    with translation.override("en"):
        problems = complaints_check([fits, too_long])
    # then
    assert [(problem.line, problem.column, problem.reason) for problem in problems] == [
        (2, "reference", "The source and the reference together have at most 60 characters.")
    ]


def test_the_file_problems_are_reported_in_portuguese_by_default(tmp_path):
    # given
    path = write(tmp_path, "vazio.csv", "")
    # when
    with pytest.raises(CommandError) as refused:
        call_command("support_import_complaints", "--file", str(path), stdout=StringIO(), stderr=StringIO())
    # then
    assert str(refused.value).splitlines()[0] == "1 problema encontrado; nada foi importado."


# Who may import


def test_first_level_staff_cannot_import_the_ombudsmans_cases(make_staff):
    # given
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    cases = [
        complaint(reference="RA-1"),
        complaint(source="procon", reference="P-1", url="", deadline=timezone.now() + timedelta(days=5)),
    ]
    # when
    with pytest.raises(PermissionMissing):
        complaints_import(complaints=cases, actor=agent)
    # then
    assert not Ticket.objects.exists()


# The public answer


@pytest.fixture
def public_ticket():
    return complaints_import(complaints=[complaint()], actor=JOB).opened[0]


def test_the_public_answer_is_recorded_once(public_ticket, make_staff):
    # given
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    with time_machine.travel(NOW, tick=False):
        ticket_public_answer_posted(ticket_id=public_ticket.pk, actor=agent)
    # when
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        ticket = ticket_public_answer_posted(ticket_id=public_ticket.pk, actor=agent)
    # then
    assert ticket.public_answer_posted_at == NOW
    public_ticket.refresh_from_db()
    assert public_ticket.public_answer_posted_at == NOW
    assert list(public_ticket.events.filter(note="public answer posted").values_list("actor", flat=True)) == [
        agent.label
    ]


def test_a_wrong_role_cannot_record_the_public_answer(public_ticket, make_staff):
    # given
    warehouse = Actor.staff(make_staff(Role.WAREHOUSE))
    # when
    with pytest.raises(PermissionMissing):
        ticket_public_answer_posted(ticket_id=public_ticket.pk, actor=warehouse)
    # then
    public_ticket.refresh_from_db()
    assert public_ticket.public_answer_posted_at is None
    assert not public_ticket.events.filter(note="public answer posted").exists()


def test_the_ombudsmans_public_answer_needs_the_ombudsman(make_staff):
    # given
    case = complaint(
        source="consumidor_gov",
        reference="CG-9",
        url="https://www.consumidor.gov.br/pages/reclamacao/9",
        deadline=timezone.now() + timedelta(days=10),
    )
    ticket = complaints_import(complaints=[case], actor=JOB).opened[0]
    agent, ombudsman = Actor.staff(make_staff(Role.SUPPORT_AGENT)), Actor.staff(make_staff(Role.OMBUDSMAN))
    # when
    with pytest.raises(PermissionMissing):
        ticket_public_answer_posted(ticket_id=ticket.pk, actor=agent)
    answered = ticket_public_answer_posted(ticket_id=ticket.pk, actor=ombudsman)
    # then
    assert answered.public_answer_posted_at is not None


def test_a_ticket_not_made_in_public_has_no_public_answer(make_staff):
    # given
    ticket = open_ticket(email="maria@example.com.br")
    agent = Actor.staff(make_staff(Role.SUPPORT_AGENT))
    # when
    with pytest.raises(PublicAddressMissing) as refused:
        ticket_public_answer_posted(ticket_id=ticket.pk, actor=agent)
    # then
    assert refused.value.code == "public_address_missing"
    with translation.override("en"):
        assert str(refused.value.message) == (
            "This ticket has no public address: its answer is not posted in public."
        )
    ticket.refresh_from_db()
    assert ticket.public_answer_posted_at is None
