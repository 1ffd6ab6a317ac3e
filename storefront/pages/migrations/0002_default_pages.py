"""The store's first terms of sale, privacy policy and exchange-and-return policy, which
managers may change."""

from django.db import migrations

from backoffice.roles import roles_grant

TERMS_PT = """
<h3>Quem vende</h3>
<p>As vendas deste site são feitas pela empresa identificada no rodapé de cada página, com sua razão social, CNPJ, endereço e canais de atendimento.</p>
<h3>Preços e pagamento</h3>
<p>Os preços valem para compras neste site e podem mudar sem aviso; vale o preço mostrado na revisão do pedido. Aceitamos cartão de crédito (à vista ou parcelado sem juros, nas parcelas mostradas), Pix (com o desconto mostrado, quando houver) e boleto. O pedido é confirmado quando o pagamento é aprovado: o Pix vence em minutos e o boleto na data de vencimento; depois disso o pedido é cancelado e o estoque liberado.</p>
<h3>Análise do pedido</h3>
<p>Para proteger você e a loja, conferimos os dados dos pedidos. Se precisarmos de algo, escrevemos para você; um pedido recusado nessa análise é cancelado e o valor devolvido integralmente.</p>
<h3>Entrega</h3>
<p>O frete e a data de entrega de cada serviço aparecem ao informar o CEP, no produto, no carrinho e na finalização da compra. A data conta dias úteis a partir da confirmação do pagamento. Você acompanha cada envio pelo código de rastreio.</p>
<h3>Cancelamento, trocas e devoluções</h3>
<p>Você pode cancelar o pedido antes do envio pela página do pedido e desistir da compra em até 7 dias após a entrega (art. 49 do Código de Defesa do Consumidor). As regras completas estão na política de trocas e devoluções.</p>
<h3>Seus dados</h3>
<p>Tratamos seus dados pessoais como descrito na política de privacidade, de acordo com a Lei Geral de Proteção de Dados (Lei 13.709/2018).</p>
<h3>Atendimento</h3>
<p>Fale conosco pela central de ajuda, por e-mail, telefone ou WhatsApp. Cada contato recebe um número de protocolo.</p>
"""

TERMS_EN = """
<h3>Who sells</h3>
<p>Sales on this site are made by the company named at the foot of every page, with its legal name, CNPJ, address and contact channels.</p>
<h3>Prices and payment</h3>
<p>Prices apply to purchases on this site and may change without notice; the price shown when you review the order is the one that counts. We accept credit cards (in one payment or interest-free instalments, as shown), Pix (with the discount shown, if any) and boleto. The order is confirmed when the payment is approved: Pix expires in minutes and a boleto on its due date; after that the order is cancelled and the stock released.</p>
<h3>Order review</h3>
<p>To protect you and the store, we check the details of orders. If we need anything, we write to you; an order refused in this review is cancelled and refunded in full.</p>
<h3>Delivery</h3>
<p>The price and the delivery date of each service appear when you enter your CEP, on the product page, in the cart and at checkout. Dates count business days from the payment's confirmation. You follow each parcel with its tracking code.</p>
<h3>Cancellation, exchanges and returns</h3>
<p>You may cancel the order before it ships from the order's page, and change your mind within 7 days of delivery (article 49 of the Consumer Protection Code). The full rules are in the exchange and return policy.</p>
<h3>Your data</h3>
<p>We process your personal data as the privacy policy describes, under the General Data Protection Law (Law 13,709/2018).</p>
<h3>Customer service</h3>
<p>Talk to us through the help centre, by email, phone or WhatsApp. Every contact gets a protocol number.</p>
"""

PRIVACY_PT = """
<h3>Quem trata seus dados</h3>
<p>A empresa identificada no rodapé é a controladora dos dados pessoais tratados neste site. Para qualquer assunto de privacidade, escreva para o e-mail de atendimento indicado, pela central de ajuda.</p>
<h3>Que dados usamos e para quê</h3>
<ul>
<li><strong>Cadastro e pedido</strong> (nome, e-mail, CPF, telefone, endereço): para vender, entregar, emitir a nota fiscal e falar com você sobre o pedido (execução de contrato e obrigação legal).</li>
<li><strong>Pagamento</strong>: os dados do cartão vão direto ao provedor de pagamento; guardamos só a bandeira e os quatro últimos dígitos.</li>
<li><strong>Prevenção a fraudes</strong> (endereço IP, histórico de pedidos): para proteger você e a loja (legítimo interesse).</li>
<li><strong>Atendimento</strong> (mensagens, anexos): para responder e registrar seus pedidos de ajuda.</li>
<li><strong>Lembretes e pesquisas</strong>: lembretes de carrinho e pesquisas de satisfação por e-mail, que você pode recusar pelo link em cada mensagem; WhatsApp só com o seu consentimento.</li>
</ul>
<h3>Com quem compartilhamos</h3>
<p>Somente com quem precisa para cumprir o pedido: o provedor de pagamento, as transportadoras e o emissor da nota fiscal. Não vendemos seus dados.</p>
<h3>Por quanto tempo</h3>
<p>Enquanto sua conta existir e, para pedidos, notas fiscais e pagamentos, pelo prazo que a lei fiscal exige (5 anos).</p>
<h3>Seus direitos</h3>
<p>Você pode pedir acesso, correção, portabilidade ou eliminação dos seus dados e revogar consentimentos. Peça pela central de ajuda; respondemos em até 15 dias. Dados que a lei nos obriga a guardar são mantidos pelo prazo legal.</p>
<h3>Cookies</h3>
<p>Usamos apenas os cookies necessários ao funcionamento da loja: sessão, carrinho, segurança e o CEP que você informou.</p>
"""

PRIVACY_EN = """
<h3>Who processes your data</h3>
<p>The company named at the foot of every page is the controller of the personal data processed on this site. For any privacy matter, write to the customer service email shown, or through the help centre.</p>
<h3>What data we use and why</h3>
<ul>
<li><strong>Account and orders</strong> (name, email, CPF, phone, address): to sell, deliver, issue the invoice and talk to you about the order (contract and legal obligation).</li>
<li><strong>Payment</strong>: card details go straight to the payment provider; we keep only the brand and the last four digits.</li>
<li><strong>Fraud prevention</strong> (IP address, order history): to protect you and the store (legitimate interest).</li>
<li><strong>Customer service</strong> (messages, attachments): to answer and keep track of your requests.</li>
<li><strong>Reminders and surveys</strong>: cart reminders and satisfaction surveys by email, which you may refuse with the link in each message; WhatsApp only with your consent.</li>
</ul>
<h3>Who we share it with</h3>
<p>Only with whom the order needs: the payment provider, the carriers and the invoice issuer. We never sell your data.</p>
<h3>For how long</h3>
<p>As long as your account exists and, for orders, invoices and payments, for as long as tax law requires (5 years).</p>
<h3>Your rights</h3>
<p>You may ask to access, correct, take away or erase your data, and withdraw consents. Ask through the help centre; we answer within 15 days. Data the law requires us to keep stays for the legal period.</p>
<h3>Cookies</h3>
<p>We use only the cookies the store needs to work: session, cart, security and the CEP you entered.</p>
"""

RETURNS_PT = """
<h3>Como pedir</h3>
<p>Entre na página do pedido (na sua conta ou pelo link do e-mail de entrega), escolha os itens e o motivo. Você recebe uma autorização de postagem ou de coleta; a postagem é por nossa conta nos casos de arrependimento e defeito.</p>
<h3>Devolução do dinheiro</h3>
<p>Assim que o item chega e é conferido, devolvemos pelo mesmo meio de pagamento: estorno no cartão, Pix para a conta que pagou ou, se preferir, crédito na loja. Para troca, enviamos o novo item.</p>
<h3>Condições</h3>
<p>O item deve voltar com seus acessórios e, se possível, na embalagem original. Produtos com sinais de uso fora do normal podem ser recusados na conferência; nesse caso explicamos o motivo.</p>
"""

RETURNS_EN = """
<h3>How to ask</h3>
<p>Open the order's page (in your account or from the link in the delivery email) and choose the items and the reason. You get a posting or pickup authorisation; the posting is on us for regret and defects.</p>
<h3>Getting your money back</h3>
<p>As soon as the item arrives and is checked, we refund it the way you paid: back to the card, by Pix to the account that paid or, if you prefer, as store credit. For an exchange, we ship the new item.</p>
<h3>Conditions</h3>
<p>The item must come back with its accessories and, if possible, in its original packaging. Items showing more than normal use may be refused at the check; we then tell you why.</p>
"""

PAGES = [
    ("terms", "termos-de-venda", "Termos e condições de venda", TERMS_PT, "Terms of sale", TERMS_EN),
    ("privacy", "privacidade", "Política de privacidade", PRIVACY_PT, "Privacy policy", PRIVACY_EN),
    (
        "returns",
        "trocas-e-devolucoes",
        "Trocas e devoluções",
        RETURNS_PT,
        "Exchanges and returns",
        RETURNS_EN,
    ),
]


def default_pages_create(apps, schema_editor) -> None:
    store_page = apps.get_model("pages", "StorePage")
    for kind, slug, title_pt_br, body_pt_br, title_en, body_en in PAGES:
        store_page.objects.get_or_create(
            kind=kind,
            defaults={
                "slug": slug,
                "title_pt_br": title_pt_br,
                "body_pt_br": body_pt_br.strip(),
                "title_en": title_en,
                "body_en": body_en.strip(),
            },
        )
    roles_grant(apps, {"Manager": {"pages.view_storepage", "pages.change_storepage"}})


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("backoffice", "0009_roles_carrier_claims"),
    ]

    operations = [migrations.RunPython(default_pages_create, migrations.RunPython.noop)]
