from django.contrib.auth import views as auth_views
from django.urls import path

from storefront.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountDetailView.as_view(), name="account-detail"),
    path("sign-up/", views.sign_up_view, name="user-sign-up"),
    path("notices/", views.notice_channel_view, name="notice-channel"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
