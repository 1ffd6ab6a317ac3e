from django.urls import path

from storefront.pages import views

app_name = "pages"

urlpatterns = [
    path("institucional/<slug:slug>/", views.store_page_view, name="store-page"),
]
