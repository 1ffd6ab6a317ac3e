from django.urls import path

from storefront.checkout import views

app_name = "checkout"

urlpatterns = [
    path("checkout/", views.checkout_details_view, name="checkout-details"),
    path("checkout/contato/", views.checkout_contact_view, name="checkout-contact"),
    path("checkout/pagamento/", views.checkout_payment_view, name="checkout-payment"),
    path("checkout/pagamento/resumo/", views.checkout_quote_view, name="checkout-quote"),
    path("checkout/revisao/", views.checkout_review_view, name="checkout-review"),
    path("pedidos/", views.order_list_view, name="order-list"),
    path("pedidos/<str:number>/", views.order_detail_view, name="order-detail"),
    path("pedidos/<str:number>/acompanhar/", views.order_track_view, name="order-track"),
    path("pedidos/<str:number>/confirmacao/", views.order_confirmation_view, name="order-confirmation"),
    path("pedidos/<str:number>/pagar/", views.order_pay_view, name="order-pay"),
    path("pedidos/<str:number>/boleto/", views.order_boleto_view, name="order-boleto"),
    path("pedidos/<str:number>/cancelar/", views.order_cancel_view, name="order-cancel"),
    path("pedidos/<str:number>/comprar-de-novo/", views.order_buy_again_view, name="order-buy-again"),
]
