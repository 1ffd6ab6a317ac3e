from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("pedidos/<str:number>/devolver/", views.return_create_view, name="return-create"),
    path("devolucoes/<str:number>/", views.return_detail_view, name="return-detail"),
    path(
        "devolucoes/<str:number>/autorizacao/", views.return_authorisation_view, name="return-authorisation"
    ),
    path("devolucoes/<str:number>/desistir/", views.return_withdraw_view, name="return-withdraw"),
]
