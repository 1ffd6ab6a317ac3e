from django.urls import path

from storefront.reviews import views

app_name = "reviews"

urlpatterns = [
    path("avaliacoes/produto/<slug:slug>/", views.product_review_list_view, name="product-review-list"),
    path("avaliacoes/produto/<slug:slug>/escrever/", views.review_form_view, name="review-form"),
    path("avaliacoes/pedido/<str:number>/", views.order_review_list_view, name="order-review-list"),
]
