"""Sign-in (and its code step), sign-out, password change, two-factor sign-in, the language
switch and the notification setting for staff."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import two_factor_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.SignInCodeView.as_view(), name="login_code"),
    path("two-factor/", two_factor_views.TwoFactorView.as_view(), name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.language_switch, name="language"),
    path("notifications/", views.notification_settings, name="notification_settings"),
]
