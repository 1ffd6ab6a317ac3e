from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import ListView

from storefront.catalog.selectors import (
    category_get,
    product_get_published,
    product_list_featured,
    product_list_for_category,
)


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/home.html", {"featured_products": product_list_featured()})


class CategoryDetailView(ListView):
    template_name = "catalog/category_detail.html"
    context_object_name = "products"
    paginate_by = 24

    def get_queryset(self):
        self.category = category_get(slug=self.kwargs["slug"])
        return product_list_for_category(category=self.category)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(category=self.category, **kwargs)


def product_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "catalog/product_detail.html", {"product": product_get_published(slug=slug)})
