from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

admin.site.site_header = _("Store administration")
admin.site.site_title = _("Store administration")

urlpatterns = [
    # Changing the language only sets a cookie; exempt from CSRF so that cached pages,
    # which carry no token, can offer the switcher.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("backoffice/", include("backoffice.urls")),
    path("account/", include("storefront.accounts.urls")),
    path("carrinho/", include("storefront.cart.urls")),
    path("ajuda/", include("support.urls")),
    path("lembretes/", include("support.recovery.urls")),
    path("", include("storefront.checkout.urls")),
    path("", include("returns.urls")),
    path("", include("storefront.reviews.urls")),
    path("", include("storefront.pages.urls")),
    path("payments/", include("orders.urls")),
    path("logistics/", include("logistics.urls")),
    path("support/", include("support.webhook_urls")),
    path("", include("storefront.catalog.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
