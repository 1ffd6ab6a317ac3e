from django.contrib.auth import views as auth_views
from django.urls import path

from storefront.accounts import communications_views, privacy_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountDetailView.as_view(), name="account-detail"),
    path("sign-up/", views.sign_up_view, name="user-sign-up"),
    path("notices/", views.notice_channel_view, name="notice-channel"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dados/", views.profile_update_view, name="profile-update"),
    path("enderecos/novo/", views.address_create_view, name="address-create"),
    path("enderecos/<int:address_id>/", views.address_update_view, name="address-update"),
    path("enderecos/<int:address_id>/excluir/", views.address_delete_view, name="address-delete"),
    path("enderecos/<int:address_id>/padrao/", views.address_default_view, name="address-default"),
    path("cep/", views.address_lookup_view, name="address-lookup"),
    path("privacidade/", privacy_views.privacy_detail_view, name="privacy-detail"),
    path("privacidade/meus-dados.json", privacy_views.data_export_view, name="data-export"),
    path("privacidade/apagar/", privacy_views.erasure_request_create_view, name="erasure-request-create"),
    path("comunicacoes/", communications_views.communications_view, name="communications"),
    path("email/", views.email_change_view, name="email-change"),
    path("senha/", views.PasswordChangeView.as_view(), name="password-change"),
    path("senha/esqueci/", views.PasswordResetView.as_view(), name="password-reset"),
    path("senha/esqueci/enviado/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "senha/nova/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("senha/nova/pronto/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
