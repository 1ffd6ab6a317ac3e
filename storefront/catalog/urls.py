from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_page

from storefront.catalog import views
from storefront.catalog.sitemaps import SITEMAPS

app_name = "catalog"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("busca/", views.search_view, name="search"),
    path("busca/sugestoes/", views.search_suggest_view, name="search-suggest"),
    path("avise-me/", views.stock_alert_create_view, name="stock-alert-create"),
    path("avise-me/sair/<str:token>/", views.stock_alert_unsubscribe_view, name="stock-alert-unsubscribe"),
    path("c/<slug:slug>/", views.category_detail_view, name="category-detail"),
    path("p/<slug:slug>/", views.product_detail_view, name="product-detail"),
    path(
        "sitemap.xml",
        cache_page(60 * 60)(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalog:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", cache_page(60 * 60)(sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"
    ),
]
