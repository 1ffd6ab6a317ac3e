from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode

from core.actor import Actor
from logistics.adapters.base import CarrierEvent
from logistics.models import TrackingEvent
from orders.exceptions import BankAccountInvalid, PixKeyInvalid
from orders.models import Payment
from orders.selectors import order_access_token
from returns import views
from returns.exceptions import (
    DefectDateRequired,
    RefundDestinationRequired,
    ReturnLinesRequired,
    ReturnQuantityInvalid,
    ReturnWindowClosed,
)
from returns.models import ReturnRequest, ReturnUnit
from returns.services import UnitDecision, return_inspect, return_receive, return_tracking_apply
from storefront.checkout import views as checkout_views
from support.services.incidents import return_tickets_sync
from tests.accounts.factories import UserFactory
from tests.logistics.factories import stocked_variant, validated_order
from tests.returns.factories import ask_return, delivered_order
from tests.support.factories import PNG

pytestmark = pytest.mark.django_db

RS = ReturnRequest.Status
JOB = Actor.job("test")
PT = {"HTTP_ACCEPT_LANGUAGE": "pt-br"}


def _pt(message) -> str:
    with translation.override("pt-br"):
        return str(message)


def _day(day) -> str:
    with translation.override("pt-br"):
        return date_format(day, "SHORT_DATE_FORMAT")


def _order(capture, *, customer=None, lines: int = 1, units: int = 1):
    """A delivered order of `lines` lines of `units` units each, placed by `customer` (a guest's
    order when None)."""
    return delivered_order(
        capture,
        customer=customer,
        lines=[(stocked_variant(units=5, bin_code=f"A-01-0{n}"), units) for n in range(1, lines + 1)],
    )


def _regret(order, **lines) -> dict:
    """The form's data for a regret, money back, dropped off at a post office."""
    data = {"reason": "regret", "parcel_mode": "drop_off", "resolution": "refund"}
    data.update({f"line_{line.pk}": 0 for line in order.lines.all()})
    data.update(lines)
    return data


def _with_token(url: str, token: str) -> str:
    return f"{url}?{urlencode({'t': token})}" if token else url


def _create_url(order, token: str = "") -> str:
    return _with_token(reverse("returns:return-create", args=[order.number]), token)


def _detail_url(request, token: str = "") -> str:
    return _with_token(reverse("returns:return-detail", args=[request.number]), token)


@pytest.fixture
def ana(client):
    user = UserFactory()
    client.force_login(user)
    return user


# Asking


def test_the_form_shows_each_line_with_its_regret_and_defect_dates_in_bounded_queries(
    client, ana, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    order = _order(django_capture_on_commit_callbacks, customer=ana, lines=3)
    today = timezone.localdate()
    with django_assert_max_num_queries(views.RETURN_CREATE_QUERIES):
        response = client.get(_create_url(order), **PT)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="return-line"') == 3
    assert html.count('data-testid="regret-ends-on"') == 3
    assert _day(today + timedelta(days=7)) in html  # regret
    assert _day(today + timedelta(days=30)) in html  # a defect of non-durable goods
    for line in order.lines.all():
        assert f'name="line_{line.pk}"' in html and 'max="1"' in html
    assert 'value="exchange"' in html and html.count('data-testid="exchange-line"') == 3
    assert 'data-testid="refund-destination"' not in html  # paid by card


def test_a_form_left_incomplete_shows_each_error_on_its_field(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    data = _regret(order, reason="hidden_defect")
    del data["parcel_mode"]
    response = client.post(_create_url(order), data, **PT)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["parcel_mode"] == ["Este campo é obrigatório."]
    assert errors["noticed_on"] == [_pt(DefectDateRequired.message)]
    assert errors["__all__"] == [_pt(ReturnLinesRequired.message)]
    assert "Este campo é obrigatório." in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_a_customer_returns_one_unit_for_regret_and_gets_the_authorisation_at_once(
    client, ana, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    order = _order(django_capture_on_commit_callbacks, customer=ana, units=2)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_create_url(order), _regret(order, **{f"line_{line.pk}": 1}), **PT)
    request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response.url == _detail_url(request)
    assert (request.customer, request.status) == (ana, RS.AWAITING_SHIPMENT)
    assert list(request.lines.values_list("order_line", "quantity")) == [(line.pk, 1)]
    return_tickets_sync()  # the desk's ticket, as its minutely sync opens it
    with django_assert_max_num_queries(views.RETURN_DETAIL_QUERIES):
        page = client.get(response.url, **PT)
    html = page.content.decode()
    assert request.authorisation_code in html
    assert _day(request.authorisation_valid_until) in html
    assert request.ticket.protocol in html
    assert reverse("returns:return-authorisation", args=[request.number]) in html
    assert 'data-testid="return-withdraw"' in html
    assert [step.state for step in page.context["steps"]] == [
        "done",
        "current",
        "todo",
        "todo",
        "todo",
        "todo",
    ]


def test_a_request_without_its_ticket_yet_shows_no_protocol(client, ana, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    request = ask_return(order)  # commit callbacks (authorisation, ticket) never run
    response = client.get(_detail_url(request), **PT)
    assert response.status_code == 200
    assert response.context["ticket"] is None
    assert 'data-testid="return-protocol"' not in response.content.decode()


def test_a_guest_asks_and_follows_the_return_with_the_orders_link(client, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks)
    token = order_access_token(order=order)
    line = order.lines.get()
    assert client.get(_create_url(order, token), **PT).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _create_url(order), {**_regret(order, **{f"line_{line.pk}": 1}), "t": token}, **PT
        )
    request = ReturnRequest.objects.get()
    assert request.customer is None
    assert response.status_code == 302
    assert response.url == _detail_url(request, token)
    page = client.get(response.url, **PT)
    assert request.authorisation_code in page.content.decode()
    printable = client.get(reverse("returns:return-authorisation", args=[request.number]), {"t": token})
    assert printable.status_code == 200


def test_another_customer_finds_nothing(client, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=UserFactory())
    request = ask_return(order)
    client.force_login(UserFactory())
    for url in (
        _create_url(order),
        _detail_url(request),
        reverse("returns:return-authorisation", args=[request.number]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(_create_url(order), _regret(order)).status_code == 404
    assert client.post(reverse("returns:return-withdraw", args=[request.number])).status_code == 404
    assert ReturnRequest.objects.get().status == RS.APPROVED


@pytest.mark.parametrize("token", ["", "forged", "ZXhhbXBsZQ:1abc:def"])
def test_a_wrong_link_finds_nothing(client, django_capture_on_commit_callbacks, token):
    order = _order(django_capture_on_commit_callbacks)
    request = ask_return(order)
    for url in (_create_url(order), _detail_url(request)):
        assert client.get(url, {"t": token} if token else {}).status_code == 404


def test_the_link_of_another_order_opens_none_of_its_returns(client, django_capture_on_commit_callbacks):
    order, other = _order(django_capture_on_commit_callbacks), _order(django_capture_on_commit_callbacks)
    request = ask_return(order)
    token = order_access_token(order=other)
    assert client.get(_detail_url(request, token)).status_code == 404
    assert client.get(_create_url(order, token)).status_code == 404


def test_the_signed_link_alone_cannot_ask_for_an_accounts_order(client, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=UserFactory())
    token = order_access_token(order=order)
    line = order.lines.get()
    assert client.get(_create_url(order, token)).status_code == 200  # reading is fine
    response = client.post(_create_url(order), {**_regret(order, **{f"line_{line.pk}": 1}), "t": token})
    assert response.status_code == 404
    assert not ReturnRequest.objects.exists()


def test_more_units_than_may_be_returned_are_refused_and_nothing_is_stored(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    line = order.lines.get()
    response = client.post(_create_url(order), _regret(order, **{f"line_{line.pk}": 2}), **PT)
    expected = _pt(ReturnQuantityInvalid(item=line.product_name, count=1).message)
    assert response.context["form"].errors[f"line_{line.pk}"] == [expected]
    assert expected in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_a_reason_whose_time_ended_is_refused_by_the_service_on_the_form(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    line = order.lines.get()
    regret_ended = timezone.localdate() + timedelta(days=7)
    with time_machine.travel(timezone.now() + timedelta(days=9), tick=False):
        page = client.get(_create_url(order), **PT)
        response = client.post(_create_url(order), _regret(order, **{f"line_{line.pk}": 1}), **PT)
    regret = next(
        option
        for option in page.context["form"].reason_options()
        if option["radio"].data["value"] == "regret"
    )
    assert regret["is_over"]  # shown disabled; a page left open still posts it
    expected = _pt(ReturnWindowClosed(item=line.product_name, ended_on=regret_ended).message)
    assert response.context["form"].errors["reason"] == [expected]
    assert not ReturnRequest.objects.exists()


def test_photos_that_are_not_pictures_are_refused_on_the_photos_field(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    line = order.lines.get()
    data = _regret(order, reason="defect", description="A tela não liga.", **{f"line_{line.pk}": 1})
    data["photos"] = [
        SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        SimpleUploadedFile("defeito.jpg", b"MZ\x90\x00 a program", content_type="image/jpeg"),
    ]
    response = client.post(_create_url(order), data, **PT)
    errors = response.context["form"].errors
    assert list(errors) == ["photos"]
    assert "defeito.jpg" in errors["photos"][0]
    assert not ReturnRequest.objects.exists()


def test_a_defect_with_description_and_photo_waits_for_the_returns_team(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    line = order.lines.get()
    data = _regret(order, reason="defect", description="A tela não liga.", **{f"line_{line.pk}": 1})
    data["photos"] = [SimpleUploadedFile("foto.png", PNG, content_type="image/png")]
    response = client.post(_create_url(order), data, **PT)
    request = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert (request.status, request.reason, request.photos.count()) == (RS.REQUESTED, "defect", 1)
    page = client.get(response.url, **PT)
    assert [step.state for step in page.context["steps"]][:2] == ["current", "todo"]
    assert 'data-testid="return-withdraw"' in page.content.decode()


def test_a_boleto_order_asks_where_the_money_goes(client, ana, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    # A boleto paid on the order, as its clearing notice leaves it (the card above stays too).
    Payment.objects.create(
        order=order,
        method=Payment.Method.BOLETO,
        status=Payment.Status.PAID,
        amount=Decimal("1.00"),
        gateway="sandbox",
        gateway_reference=f"boleto_{order.number}",
        paid_at=timezone.now(),
    )
    line = order.lines.get()
    assert 'data-testid="refund-destination"' in client.get(_create_url(order), **PT).content.decode()
    asked = _regret(order, **{f"line_{line.pk}": 1})
    response = client.post(_create_url(order), asked, **PT)
    assert response.context["form"].errors["refund_pix_key"] == [_pt(RefundDestinationRequired.message)]
    response = client.post(_create_url(order), {**asked, "refund_pix_key": "12345"}, **PT)
    assert response.context["form"].errors["refund_pix_key"] == [_pt(PixKeyInvalid.message)]
    account = {"refund_bank": "1", "refund_branch": "12", "refund_account": "98765-4"}
    response = client.post(_create_url(order), {**asked, **account}, **PT)
    assert response.context["form"].errors == {"refund_bank": [_pt(BankAccountInvalid.MESSAGES["bank"])]}
    assert not ReturnRequest.objects.exists()
    account.update(refund_bank="001", refund_holder_cpf="529.982.247-25")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_create_url(order), {**asked, **account}, **PT)
    request = ReturnRequest.objects.get()
    assert (request.refund_pix_key, request.refund_bank_account) == (
        "",
        {"bank": "001", "branch": "0012", "account": "98765-4", "holder_cpf": "52998224725"},
    )


def test_an_order_not_delivered_shows_why_instead_of_the_form(
    client, ana, django_capture_on_commit_callbacks
):
    order = validated_order(django_capture_on_commit_callbacks, customer=ana)
    response = client.get(_create_url(order), **PT)
    assert response.status_code == 200
    assert 'data-testid="return-unavailable"' in response.content.decode()
    assert "form" not in response.context
    assert client.post(_create_url(order), {"reason": "regret"}).status_code == 200
    assert not ReturnRequest.objects.exists()


def test_an_order_all_asked_back_says_so(client, ana, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    ask_return(order)
    response = client.get(_create_url(order), **PT)
    assert 'data-testid="return-unavailable"' in response.content.decode()


# Following


def _inspected(capture, customer):
    """A regret of two lines of two units: one unit refused with a reason, the others accepted,
    refunded, with carrier news on the way back."""
    order = _order(capture, customer=customer, lines=2, units=2)
    with capture(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    first, second = order.lines.order_by("pk")
    with capture(execute=True):
        return_tracking_apply(
            tracking_code=request.tracking_code,
            events=[
                CarrierEvent(
                    event_id="r-1",
                    kind=TrackingEvent.Kind.POSTED,
                    occurred_at=timezone.now(),
                    description="Postado",
                )
            ],
        )
        return_receive(code=request.tracking_code, actor=JOB)
        return_inspect(
            request_id=request.pk,
            actor=JOB,
            decisions=[
                UnitDecision(order_line_id=first.pk, disposition=ReturnUnit.Disposition.RESTOCK),
                UnitDecision(
                    order_line_id=first.pk, disposition=ReturnUnit.Disposition.REFUSED, note="Usado."
                ),
                UnitDecision(order_line_id=second.pk, disposition=ReturnUnit.Disposition.RESTOCK),
                UnitDecision(order_line_id=second.pk, disposition=ReturnUnit.Disposition.QUARANTINE),
            ],
        )
    request.refresh_from_db()
    return request


def test_an_inspected_return_shows_each_unit_the_note_and_the_refund_in_bounded_queries(
    client, ana, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request = _inspected(django_capture_on_commit_callbacks, ana)
    assert request.status == RS.REFUNDED
    with django_assert_max_num_queries(views.RETURN_DETAIL_QUERIES):
        response = client.get(_detail_url(request), **PT)
    html = response.content.decode()
    assert html.count('data-testid="return-unit"') == 4
    assert "Usado." in html
    assert "R$\N{NO-BREAK SPACE}300,00" in html  # three units at R$ 100,00
    assert 'data-testid="return-tracking"' in html and "Postado" in html
    assert 'data-testid="return-withdraw"' not in html
    assert [step.state for step in response.context["steps"]] == ["done"] * 6


def test_the_printable_authorisation_has_the_code_both_addresses_and_the_items(
    client, ana, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    order = _order(django_capture_on_commit_callbacks, customer=ana, lines=3)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    with django_assert_max_num_queries(views.RETURN_AUTHORISATION_QUERIES):
        response = client.get(reverse("returns:return-authorisation", args=[request.number]), **PT)
    html = response.content.decode()
    assert request.authorisation_code in html
    assert 'data-testid="authorisation-barcode"' in html
    assert order.street in html and "Rodovia Anhanguera" in html  # the customer and the warehouse
    assert html.count('data-testid="authorisation-line"') == 3
    assert 'data-testid="authorisation-not-valid"' not in html


def test_there_is_nothing_to_print_before_the_carrier_authorises(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    request = ask_return(order)  # approved, the carrier not asked yet
    assert client.get(reverse("returns:return-authorisation", args=[request.number])).status_code == 404


def test_the_customer_withdraws_while_the_parcel_is_not_posted(
    client, ana, django_capture_on_commit_callbacks
):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("returns:return-withdraw", args=[request.number]), **PT)
    assert response.status_code == 302 and response.url == _detail_url(request)
    request.refresh_from_db()
    assert request.status == RS.CLOSED
    page = client.get(response.url, **PT)
    html = page.content.decode()
    assert request.number in next(str(message) for message in page.context["messages"])
    assert 'data-testid="return-withdraw"' not in html
    assert 'data-testid="return-refund"' not in html and 'data-testid="return-line-accepted"' not in html
    # the units may be asked back again
    assert 'data-testid="return-line"' in client.get(_create_url(order), **PT).content.decode()


def test_a_posted_parcel_can_no_longer_be_withdrawn(client, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks)
    token = order_access_token(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_return(order)
    request.refresh_from_db()
    return_tracking_apply(
        tracking_code=request.tracking_code,
        events=[CarrierEvent(event_id="r-1", kind=TrackingEvent.Kind.POSTED, occurred_at=timezone.now())],
    )
    response = client.post(
        reverse("returns:return-withdraw", args=[request.number]), {"t": token}, follow=True
    )
    assert response.redirect_chain[0][0] == _detail_url(request, token)
    assert ReturnRequest.objects.get().status == RS.IN_TRANSIT
    assert 'data-testid="return-withdraw"' not in response.content.decode()


def test_withdrawing_needs_a_post(client, ana, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks, customer=ana)
    request = ask_return(order)
    assert client.get(reverse("returns:return-withdraw", args=[request.number])).status_code == 405


# The order's page


def test_a_delivered_orders_page_offers_returns_and_lists_them_in_bounded_queries(
    client, ana, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    request = _inspected(django_capture_on_commit_callbacks, ana)
    order = request.order
    with django_assert_max_num_queries(checkout_views.DELIVERED_ORDER_DETAIL_QUERIES):
        response = client.get(reverse("checkout:order-detail", args=[order.number]), **PT)
    html = response.content.decode()
    assert response.context["can_return"]  # one unit was refused: it may be asked back again
    assert f'href="{_create_url(order)}"' in html
    assert f'href="{_detail_url(request)}"' in html
    assert html.count('data-testid="order-return-accepted"') == 2
    # The lines say what came back: one unit of the first, the whole second.
    assert html.count('data-testid="order-line-returned"') == 2
    assert [line.returned_quantity for line in response.context["order"].lines.all()] == [1, 2]
    assert 'data-testid="order-refund"' in html
    assert "R$\N{NO-BREAK SPACE}315,00" in html  # three units at R$ 100,00 and the shipping


def test_a_guests_order_page_links_to_returns_with_its_token(client, django_capture_on_commit_callbacks):
    order = _order(django_capture_on_commit_callbacks)
    token = order_access_token(order=order)
    response = client.get(reverse("checkout:order-track", args=[order.number]), {"t": token})
    assert f'href="{_create_url(order, token)}"' in response.content.decode()


def test_an_order_not_delivered_offers_no_return(client, ana, django_capture_on_commit_callbacks):
    order = validated_order(django_capture_on_commit_callbacks, customer=ana)
    response = client.get(reverse("checkout:order-detail", args=[order.number]))
    assert 'data-testid="order-returns"' not in response.content.decode()
