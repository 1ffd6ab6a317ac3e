"""The returns team's screens: the queues, a request decided, a parcel scanned in and its units
inspected, each through the same services the rest of the store calls."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from backoffice.roles import Role
from backoffice.views import returns as views
from inventory.models import Bin, StockMovement
from logistics.adapters.base import CarrierEvent
from logistics.models import TrackingEvent
from returns.exceptions import ParcelUnknown, ReasonRequired
from returns.models import ReturnPhoto, ReturnRequest, ReturnUnit
from returns.services import return_tracking_apply
from support.services.incidents import return_ticket_open
from tests.accounts.factories import UserFactory
from tests.logistics.factories import stocked_variant
from tests.orders.factories import OrderFactory
from tests.returns.factories import ask_return, delivered_order, photo

pytestmark = pytest.mark.django_db

RS = ReturnRequest.Status
Disposition = ReturnUnit.Disposition
EAN = "7891234567895"


def detail(number: str) -> str:
    return reverse("backoffice:return-detail", kwargs={"number": number})


def inspect_url(number: str) -> str:
    return reverse("backoffice:return-inspect", kwargs={"number": number})


def many_requests(count: int, *, status: str = RS.REQUESTED, orders: int = 3) -> list[ReturnRequest]:
    """Rows only, cheaply: `count` requests spread over a few orders (pages and budgets)."""
    placed = [OrderFactory() for _ in range(orders)]
    return ReturnRequest.objects.bulk_create(
        ReturnRequest(
            number=f"{placed[index % orders].number}-D{index + 1}",
            order=placed[index % orders],
            status=status,
            reason=ReturnRequest.Reason.DEFECT,
            resolution=ReturnRequest.Resolution.REFUND,
            tracking_code=f"QB{placed[index % orders].pk:05d}{index:04d}BR"
            if status != RS.REQUESTED
            else None,
        )
        for index in range(count)
    )


def defect_request(capture, *, photos: int = 1) -> ReturnRequest:
    """A defect of a customer's order waiting for the returns team's decision, with its photos."""
    order = delivered_order(capture, customer=UserFactory())
    with capture(execute=True):
        return ask_return(
            order,
            reason=ReturnRequest.Reason.DEFECT,
            description="A tela chegou riscada.\nNão liga.",
            photos=[photo(f"defeito{number}.png") for number in range(photos)],
        )


def on_its_way(capture, *, units: int = 2, ean: str = "") -> ReturnRequest:
    """A regret approved at once, its parcel authorised and posted by the customer."""
    order = delivered_order(capture, lines=[(stocked_variant(units=5, ean=ean), units)])
    with capture(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    with capture(execute=True):
        return_tracking_apply(
            tracking_code=request.tracking_code,
            events=[CarrierEvent(event_id="r-1", kind=TrackingEvent.Kind.POSTED, occurred_at=timezone.now())],
        )
    request.refresh_from_db()
    assert request.status == RS.IN_TRANSIT
    return request


def scan(client, request: ReturnRequest, code: str, counts: dict[int, int] | None = None, **headers):
    data = {"action": "scan", "scan": code}
    for line_id, count in (counts or {}).items():
        data[f"count-{line_id}"] = count
    return client.post(inspect_url(request.number), data, **headers)


# The queues


def test_the_queue_shows_a_page_of_the_oldest_requests_within_its_queries(
    staff_client, django_assert_max_num_queries
):
    # given 60 requests to decide over three orders, and a few on their way back
    requests = many_requests(60)
    many_requests(4, status=RS.IN_TRANSIT, orders=1)
    client = staff_client(Role.RETURNS)
    # when
    with django_assert_max_num_queries(views.QUEUE_QUERIES):
        response = client.get(reverse("backoffice:return-queue"))
    # then
    assert response.status_code == 200
    shown = [request.number for request in response.context["page_obj"]]
    assert shown == [request.number for request in requests[: views.PAGE_SIZE]]
    counts = {code: count for code, _label, count in response.context["queues"]}
    assert counts == {"decide": 60, "in_transit": 4, "inspect": 0, "settle": 0, "done": None}
    assert requests[0].order.full_name in response.content.decode()


def test_the_queue_keeps_its_queries_on_any_tab_and_search(staff_client, django_assert_max_num_queries):
    requests = many_requests(30, status=RS.IN_TRANSIT)
    client = staff_client(Role.RETURNS)
    many_requests(30, status=RS.REFUNDED)
    searches = (
        "?queue=in_transit",
        "?queue=done",
        "?queue=done&page=2",
        f"?queue=in_transit&q={requests[3].order.email}",
        f"?queue=in_transit&q={requests[3].number}",
        f"?queue=done&q={requests[3].order.number}",
        f"?queue=in_transit&q={requests[3].tracking_code}",
    )
    for query in searches:
        with django_assert_max_num_queries(views.QUEUE_QUERIES):
            response = client.get(reverse("backoffice:return-queue") + query)
        assert response.status_code == 200


@pytest.mark.parametrize("field", ["number", "tracking_code", "order_number"])
def test_the_queue_finds_a_request_by_its_number_order_or_tracking_code(staff_client, field):
    requests = many_requests(5, status=RS.IN_TRANSIT)
    wanted = requests[2]
    term = wanted.order.number if field == "order_number" else getattr(wanted, field)
    response = staff_client(Role.RETURNS).get(
        reverse("backoffice:return-queue"), {"queue": "in_transit", "q": term.lower()}
    )
    shown = {request.number for request in response.context["page_obj"]}
    expected = {request.number for request in requests if request.order_id == wanted.order_id}
    assert shown == ({wanted.number} if field != "order_number" else expected)


def test_the_queue_finds_the_requests_of_a_customer_by_email_in_any_case(staff_client):
    # given two requests of one customer on their way back, and another customer's
    requests = many_requests(4, status=RS.IN_TRANSIT, orders=2)
    wanted = requests[0].order
    # when the email is typed with capitals and spaces around it
    response = staff_client(Role.RETURNS).get(
        reverse("backoffice:return-queue"), {"queue": "in_transit", "q": f"  {wanted.email.upper()} "}
    )
    # then
    shown = [request.number for request in response.context["page_obj"]]
    assert shown == [request.number for request in requests if request.order_id == wanted.pk]


def test_an_order_number_finds_only_the_requests_of_that_order(staff_client):
    # given an order whose number begins another order's number
    (short,) = many_requests(1, status=RS.IN_TRANSIT, orders=1)
    longer = OrderFactory(number=f"{short.order.number}1")
    ReturnRequest.objects.create(
        number=f"{longer.number}-D1",
        order=longer,
        status=RS.IN_TRANSIT,
        reason=ReturnRequest.Reason.DEFECT,
        resolution=ReturnRequest.Resolution.REFUND,
    )
    # when
    response = staff_client(Role.RETURNS).get(
        reverse("backoffice:return-queue"), {"queue": "in_transit", "q": short.order.number}
    )
    # then
    assert [request.number for request in response.context["page_obj"]] == [short.number]


def test_a_search_stays_within_its_tab_and_says_so(staff_client):
    # given a request still on its way back
    (request,) = many_requests(1, status=RS.IN_TRANSIT, orders=1)
    # when its number is searched in the finished tab
    response = staff_client(Role.RETURNS).get(
        reverse("backoffice:return-queue"), {"queue": "done", "q": request.number}
    )
    # then nothing is shown, and the page says the search was within this queue
    assert list(response.context["page_obj"]) == []
    assert response.context["queue"] == "done"
    assert "Nenhuma solicitação de devolução desta fila corresponde à busca." in response.content.decode()


def test_the_finished_tab_shows_every_finished_request_newest_first(staff_client):
    # given finished requests of every finished status, made at different times, and open ones
    finished = []
    for age, status in enumerate((RS.REFUNDED, RS.EXCHANGED, RS.CLOSED, RS.REJECTED, RS.EXPIRED)):
        (request,) = many_requests(1, status=status, orders=1)
        ReturnRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=age))
        finished.append(request.number)
    # two of the same instant: the later one first
    same = many_requests(2, status=RS.REFUNDED, orders=1)
    ReturnRequest.objects.filter(pk__in=[request.pk for request in same]).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    many_requests(3, status=RS.INSPECTED)
    # when
    response = staff_client(Role.RETURNS).get(reverse("backoffice:return-queue"), {"queue": "done"})
    # then
    shown = [request.number for request in response.context["page_obj"]]
    assert shown == [*finished, same[1].number, same[0].number]


def test_an_unknown_queue_shows_the_requests_to_decide(staff_client):
    many_requests(2)
    response = staff_client(Role.RETURNS).get(reverse("backoffice:return-queue"), {"queue": "nope"})
    assert response.context["queue"] == "decide"
    assert len(response.context["page_obj"]) == 2


# A request and its decision


def test_the_request_screen_shows_what_the_team_needs_within_its_queries(
    staff_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request = defect_request(django_capture_on_commit_callbacks, photos=3)
    ticket = return_ticket_open(return_request_id=request.pk)
    client = staff_client(Role.RETURNS)
    with django_assert_max_num_queries(views.REQUEST_QUERIES):
        response = client.get(detail(request.number))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A tela chegou riscada.<br>Não liga." in page
    for row in ReturnPhoto.objects.filter(request=request):
        assert reverse("backoffice:return-photo", kwargs={"number": request.number, "pk": row.pk}) in page
    assert reverse("backoffice:order-workspace", kwargs={"number": request.order.number}) in page
    assert reverse("backoffice:customer-detail", kwargs={"pk": request.order.customer_id}) in page
    assert response.context["can_decide"] is True
    assert ticket.protocol in page


def test_a_request_without_a_ticket_still_opens(staff_client):
    (request,) = many_requests(1)
    response = staff_client(Role.RETURNS).get(detail(request.number))
    assert response.status_code == 200
    assert response.context["ticket"] is None


def viewer(make_staff):
    """A staff member who may only look at returns."""
    user = make_staff()
    user.user_permissions.add(Permission.objects.get(codename="view_returnrequest"))
    return user


def test_links_to_the_order_and_customer_show_only_to_who_may_open_them(client, make_staff):
    (request,) = many_requests(1)
    client.force_login(viewer(make_staff))
    response = client.get(detail(request.number))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="order-link"' not in page
    assert 'data-testid="customer-link"' not in page
    assert response.context["can_decide"] is False


def test_approving_asks_the_carrier_for_the_parcel(staff_client, django_capture_on_commit_callbacks):
    request = defect_request(django_capture_on_commit_callbacks)
    client = staff_client(Role.RETURNS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:return-approve", kwargs={"number": request.number}), {"note": "Pode enviar."}
        )
    assert response.status_code == 302 and response.url == detail(request.number)
    request.refresh_from_db()
    assert request.status == RS.AWAITING_SHIPMENT
    assert request.decision_note == "Pode enviar."
    assert request.authorisation_code
    assert request.events.filter(to_status=RS.APPROVED, actor__startswith="staff:").exists()


def test_rejecting_without_a_note_says_why_and_changes_nothing(
    staff_client, django_capture_on_commit_callbacks
):
    request = defect_request(django_capture_on_commit_callbacks)
    events = request.events.count()
    client = staff_client(Role.RETURNS)
    response = client.post(
        reverse("backoffice:return-reject", kwargs={"number": request.number}), {"note": "  "}, follow=True
    )
    assert str(ReasonRequired.message) in [str(message) for message in response.context["messages"]]
    request.refresh_from_db()
    assert request.status == RS.REQUESTED and request.events.count() == events


def test_rejecting_with_a_note_tells_the_customer(staff_client, django_capture_on_commit_callbacks):
    request = defect_request(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(Role.RETURNS).post(
            reverse("backoffice:return-reject", kwargs={"number": request.number}),
            {"note": "Riscos de uso, fora da garantia."},
        )
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (RS.REJECTED, "Riscos de uso, fora da garantia.")


def test_deciding_twice_shows_the_services_message(staff_client, django_capture_on_commit_callbacks):
    (request,) = many_requests(1, status=RS.REJECTED)
    response = staff_client(Role.RETURNS).post(
        reverse("backoffice:return-approve", kwargs={"number": request.number}), follow=True
    )
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    request.refresh_from_db()
    assert request.status == RS.REJECTED


# Photos, to staff who see returns only


def test_a_photo_is_served_to_the_returns_team_as_a_picture(staff_client, django_capture_on_commit_callbacks):
    request = defect_request(django_capture_on_commit_callbacks)
    row = ReturnPhoto.objects.get(request=request)
    url = reverse("backoffice:return-photo", kwargs={"number": request.number, "pk": row.pk})
    response = staff_client(Role.RETURNS).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_photo_is_not_found_under_another_requests_number(staff_client, django_capture_on_commit_callbacks):
    request = defect_request(django_capture_on_commit_callbacks)
    (other,) = many_requests(1)
    row = ReturnPhoto.objects.get(request=request)
    url = reverse("backoffice:return-photo", kwargs={"number": other.number, "pk": row.pk})
    assert staff_client(Role.RETURNS).get(url).status_code == 404


# Receiving and inspecting


def test_a_parcel_scanned_in_is_received_and_opens_its_inspection(
    staff_client, django_capture_on_commit_callbacks
):
    request = on_its_way(django_capture_on_commit_callbacks)
    client = staff_client(Role.RETURNS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code.lower()})
    assert response.status_code == 302 and response.url == inspect_url(request.number)
    request.refresh_from_db()
    assert request.status == RS.RECEIVED and request.received_by.startswith("staff:")
    page = client.get(response.url)
    assert page.context["can_inspect"] is True
    assert 'data-testid="inspection"' in page.content.decode()


def test_an_unknown_parcel_says_so_and_changes_nothing(staff_client, django_capture_on_commit_callbacks):
    request = on_its_way(django_capture_on_commit_callbacks)
    response = staff_client(Role.RETURNS).post(
        reverse("backoffice:return-receive"), {"code": "XX000000000BR"}
    )
    assert response.status_code == 200
    assert str(ParcelUnknown.message) in response.content.decode()
    request.refresh_from_db()
    assert request.status == RS.IN_TRANSIT


def test_the_inspection_screen_stays_within_its_queries(
    staff_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request = on_its_way(django_capture_on_commit_callbacks, units=3)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    with django_assert_max_num_queries(views.INSPECTION_QUERIES):
        response = client.get(inspect_url(request.number))
    assert response.status_code == 200


def test_scanning_units_counts_them_by_sku_or_ean(staff_client, django_capture_on_commit_callbacks):
    request = on_its_way(django_capture_on_commit_callbacks, units=2, ean=EAN)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    line = request.lines.select_related("order_line").get()
    response = scan(client, request, line.order_line.sku.lower())
    (inspected,) = response.context["inspection"].lines
    assert inspected.counted == 1
    response = scan(client, request, EAN, counts={line.order_line_id: 1}, HTTP_HX_REQUEST="true")
    (inspected,) = response.context["inspection"].lines
    assert inspected.counted == 2 and len(inspected.rows) == 2
    assert response.templates[0].name == "backoffice/returns/_inspection.html"
    # a third unit was never asked back
    response = scan(client, request, EAN, counts={line.order_line_id: 2})
    (inspected,) = response.context["inspection"].lines
    assert inspected.counted == 2
    assert "separe as outras unidades" in response.content.decode()


@pytest.mark.parametrize("button", ["add", "drop"])
def test_an_add_or_drop_button_with_no_line_counts_nothing(
    staff_client, django_capture_on_commit_callbacks, button
):
    request = on_its_way(django_capture_on_commit_callbacks, units=2)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    response = client.post(inspect_url(request.number), {button: ""})
    assert response.status_code == 200
    (inspected,) = response.context["inspection"].lines
    assert inspected.counted == 0


def test_a_scanned_code_not_on_the_request_shows_the_message_and_changes_nothing(
    staff_client, django_capture_on_commit_callbacks
):
    request = on_its_way(django_capture_on_commit_callbacks, units=2)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    line = request.lines.get()
    other = stocked_variant(units=1)
    response = scan(client, request, other.sku, counts={line.order_line_id: 1})
    assert response.status_code == 200
    assert response.context["inspection"].errors["scan"] == [
        views.CodeNotOnRequest(code=other.sku.upper(), number=request.number).message
    ]
    (inspected,) = response.context["inspection"].lines
    assert inspected.counted == 1
    request.refresh_from_db()
    assert request.status == RS.RECEIVED
    assert not ReturnUnit.objects.filter(line__request=request).exists()
    assert not StockMovement.objects.filter(reference=f"return:{request.pk}").exists()


def test_inspecting_restocks_one_unit_quarantines_another_and_refunds(
    staff_client, django_capture_on_commit_callbacks
):
    request = on_its_way(django_capture_on_commit_callbacks, units=2)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    line = request.lines.get()
    shelf = Bin.objects.get(code="A-01-01")
    prefix = f"u-{line.order_line_id}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            inspect_url(request.number),
            {
                "action": "inspect",
                f"count-{line.order_line_id}": 2,
                f"{prefix}-1-disposition": Disposition.RESTOCK,
                f"{prefix}-1-bin": shelf.pk,
                f"{prefix}-2-disposition": Disposition.QUARANTINE,
                f"{prefix}-2-bin": shelf.pk,
                "note": "Caixa aberta, produto ok.",
            },
        )
    assert response.status_code == 302 and response.url == detail(request.number)
    request.refresh_from_db()
    assert request.status == RS.REFUNDED and request.items_refund > 0
    movements = StockMovement.objects.filter(reference=f"return:{request.pk}", kind=StockMovement.Kind.RETURN)
    assert sorted(movement.quant.bin.code for movement in movements) == sorted(
        ["A-01-01", Bin.QUARANTINE_CODE]
    )
    units = ReturnUnit.objects.filter(line__request=request).order_by("pk")
    assert [(unit.disposition, unit.inspected_by.startswith("staff:")) for unit in units] == [
        (Disposition.RESTOCK, True),
        (Disposition.QUARANTINE, True),
    ]


def test_a_refused_unit_without_a_reason_changes_nothing(staff_client, django_capture_on_commit_callbacks):
    request = on_its_way(django_capture_on_commit_callbacks, units=1)
    client = staff_client(Role.RETURNS)
    client.post(reverse("backoffice:return-receive"), {"code": request.tracking_code})
    line = request.lines.get()
    response = client.post(
        inspect_url(request.number),
        {
            "action": "inspect",
            f"count-{line.order_line_id}": 1,
            f"u-{line.order_line_id}-1-disposition": Disposition.REFUSED,
        },
    )
    assert response.status_code == 200
    assert response.context["inspection"].non_field_errors() == [str(ReasonRequired.message)]
    request.refresh_from_db()
    assert request.status == RS.RECEIVED
    assert not ReturnUnit.objects.filter(line__request=request).exists()


def test_inspecting_a_request_not_received_is_refused(staff_client):
    (request,) = many_requests(1, status=RS.IN_TRANSIT)
    response = staff_client(Role.RETURNS).post(
        inspect_url(request.number), {"action": "inspect"}, follow=True
    )
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    request.refresh_from_db()
    assert request.status == RS.IN_TRANSIT


# Who may do what


def _url(name: str, request: ReturnRequest) -> str:
    if name in ("return-queue", "return-receive"):
        return reverse(f"backoffice:{name}")
    if name == "return-photo":
        row = ReturnPhoto(request=request, name="a.png", content_type="image/png", size=1)
        row.file.save("a", ContentFile(b"x"), save=True)
        return reverse(f"backoffice:{name}", kwargs={"number": request.number, "pk": row.pk})
    return reverse(f"backoffice:{name}", kwargs={"number": request.number})


RETURN_URLS = [
    ("return-queue", "get"),
    ("return-receive", "get"),
    ("return-receive", "post"),
    ("return-detail", "get"),
    ("return-approve", "post"),
    ("return-reject", "post"),
    ("return-inspect", "get"),
    ("return-inspect", "post"),
    ("return-photo", "get"),
]


@pytest.mark.parametrize(("name", "method"), RETURN_URLS)
@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.WAREHOUSE])
def test_other_roles_are_refused_every_returns_url(staff_client, name, method, role):
    (request,) = many_requests(1)
    client = staff_client(role)
    url = _url(name, request)
    response = (
        client.post(url, {"note": "x", "code": request.number}) if method == "post" else client.get(url)
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RS.REQUESTED


def test_the_returns_area_is_on_the_home_of_the_returns_team_only(staff_client):
    assert (
        reverse("backoffice:return-queue")
        in staff_client(Role.RETURNS).get(reverse("backoffice:home")).content.decode()
    )
    assert (
        reverse("backoffice:return-queue")
        not in staff_client(Role.SUPPORT_AGENT).get(reverse("backoffice:home")).content.decode()
    )


def test_actions_need_their_own_permission_beyond_seeing_returns(make_staff, client):
    (request,) = many_requests(1)
    client.force_login(viewer(make_staff))
    assert client.get(detail(request.number)).status_code == 200
    for name in ("return-approve", "return-reject", "return-inspect"):
        assert (
            client.post(reverse(f"backoffice:{name}", kwargs={"number": request.number})).status_code == 403
        )
    assert client.post(reverse("backoffice:return-receive"), {"code": request.number}).status_code == 403
    request.refresh_from_db()
    assert request.status == RS.REQUESTED
