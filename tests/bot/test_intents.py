import pytest

from support.bot.intents import Intent, cpf_in, intent_of, order_number_in


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cadê meu pedido", Intent.TRACKING),
        ("Cadê meu pedido???", Intent.TRACKING),
        ("onde está minha encomenda", Intent.TRACKING),
        ("2ª via do boleto", Intent.PAYMENT),
        ("segunda via do boleto do meu pedido", Intent.PAYMENT),
        ("código pix", Intent.PAYMENT),
        ("quero devolver", Intent.RETURN),
        ("quero trocar o tamanho do pedido", Intent.RETURN),
        ("horário de atendimento", Intent.HOURS),
        ("falar com atendente", Intent.PERSON),
        ("quero falar com um humano sobre o pedido", Intent.PERSON),
        ("where is my order", Intent.TRACKING),
        ("Olá", Intent.MENU),
        ("1", Intent.TRACKING),
        ("5.", Intent.PERSON),
        ("asdfgh", Intent.UNKNOWN),
    ],
)
def test_what_the_customer_asks_for(text, intent):
    assert intent_of(text) == intent


def test_the_cpf_is_found_with_or_without_punctuation_and_checked():
    assert cpf_in("meu cpf é 529.982.247-25") == "52998224725"
    assert cpf_in("52998224725") == "52998224725"
    assert cpf_in("529.982.247-26") == ""  # wrong check digits


def test_the_order_number_is_not_taken_for_the_cpf():
    assert order_number_in("pedido #100234, cpf 529.982.247-25") == "100234"
    assert order_number_in("52998224725") == ""
    assert order_number_in("sem número") == ""
