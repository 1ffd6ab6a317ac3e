from django.contrib.sitemaps import Sitemap

from storefront.catalog.models import Category, Product


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Category.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, category: Category):
        return category.updated_at


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 10_000

    def items(self):
        return Product.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, product: Product):
        return product.updated_at


SITEMAPS = {"categories": CategorySitemap, "products": ProductSitemap}
