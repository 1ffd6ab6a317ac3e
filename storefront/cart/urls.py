from django.urls import path

from storefront.cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail_view, name="cart-detail"),
    path("mini/", views.mini_cart_view, name="mini-cart"),
    path("frete/", views.freight_quote_view, name="freight-quote"),
    path("adicionar/", views.cart_add_view, name="cart-add"),
    path("linha/<int:line_id>/", views.cart_line_update_view, name="cart-line-update"),
    path("recuperar/<str:number>/", views.cart_restore_view, name="cart-restore"),
    path("voltar/<str:token>/", views.cart_recover_view, name="cart-recover"),
]
