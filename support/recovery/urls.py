from django.urls import path

from support.recovery import views

app_name = "recovery"

urlpatterns = [
    path("sair/<str:token>/", views.recovery_unsubscribe_view, name="recovery-unsubscribe"),
    path("voltar/<str:token>/", views.recovery_resubscribe_view, name="recovery-resubscribe"),
]
