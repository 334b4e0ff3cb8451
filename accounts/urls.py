from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import PasswordChangeView, SignOutView

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", SignOutView.as_view(), name="logout"),
    path("doi-mat-khau/", PasswordChangeView.as_view(), name="password_change"),
]
