import pytest
from django.urls import reverse

from returns.models import ReturnPolicy
from storefront.pages.models import StorePage

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 3  # page, return policy, navigation


def url(slug: str) -> str:
    return reverse("pages:store-page", kwargs={"slug": slug})


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("termos-de-venda", "Termos e condições de venda"),
        ("privacidade", "Política de privacidade"),
        ("trocas-e-devolucoes", "Trocas e devoluções"),
    ],
)
def test_each_page_the_law_asks_for_is_published_with_who_sells(client, slug, title):
    page = client.get(url(slug), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert f'<h1 class="h3 mb-1">{title}</h1>' in page
    assert "Loja Aurora Comércio Eletrônico Ltda" in page
    assert "11.222.333/0001-81" in page


def test_pages_speak_english_to_english_speakers(client):
    page = client.get(url("privacidade"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Privacy policy" in page and "Your rights" in page


def test_the_returns_page_states_the_windows_the_returns_desk_applies(client):
    policy = ReturnPolicy.objects.first() or ReturnPolicy()
    policy.satisfaction_days = 45
    policy.satisfaction_refunds_shipping = True
    policy.save()

    page = client.get(url("trocas-e-devolucoes"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()

    assert "até 7 dias após a entrega" in page
    assert "até 45 dias após a entrega" in page
    assert "devolvemos também o frete" in page


def test_an_unknown_page_is_not_found(client):
    assert client.get(url("nada-aqui")).status_code == 404


def test_a_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url("trocas-e-devolucoes")).status_code == 200


def test_every_storefront_page_names_the_seller_and_links_the_legal_pages(client):
    footer = client.get(reverse("catalog:home"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    for text in (
        "Loja Aurora Comércio Eletrônico Ltda",
        "CNPJ 11.222.333/0001-81",
        "Rua Augusta, 1500",
        "atendimento@loja-aurora.example",
        "(11) 4002-8922",
        "WhatsApp",
        url("termos-de-venda"),
        url("privacidade"),
        url("trocas-e-devolucoes"),
    ):
        assert text in footer, text


def test_managers_edit_a_page_and_markup_beyond_text_is_removed(staff_client):
    client = staff_client("Manager")
    page = StorePage.objects.get(kind=StorePage.Kind.TERMS)
    change = reverse("admin:pages_storepage_change", args=[page.pk])

    response = client.post(
        change,
        {
            "title_pt_br": "Termos de venda",
            "body_pt_br": "<p>Novo texto</p><script>alert(1)</script>",
            "title_en": "Terms",
            "body_en": "<p>New text</p>",
        },
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body_pt_br == "<p>Novo texto</p>"
    assert "Novo texto" in client.get(url(page.slug), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()


def test_other_roles_cannot_edit_the_pages(staff_client):
    client = staff_client("Support agent")
    page = StorePage.objects.get(kind=StorePage.Kind.PRIVACY)
    response = client.post(
        reverse("admin:pages_storepage_change", args=[page.pk]),
        {"title_pt_br": "x", "body_pt_br": "x", "title_en": "x", "body_en": "x"},
    )
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.title_pt_br == "Política de privacidade"
