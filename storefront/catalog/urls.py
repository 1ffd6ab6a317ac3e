from django.urls import path

from storefront.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("c/<slug:slug>/", views.CategoryDetailView.as_view(), name="category-detail"),
    path("p/<slug:slug>/", views.product_detail_view, name="product-detail"),
]
