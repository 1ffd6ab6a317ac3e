from django.urls import path

from storefront.checkout import views

app_name = "checkout"

urlpatterns = [
    path("", views.order_list_view, name="order-list"),
    path("<str:number>/", views.order_detail_view, name="order-detail"),
    path("<str:number>/acompanhar/", views.order_track_view, name="order-track"),
]
