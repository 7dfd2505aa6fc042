"""Sign-in, password change and the language switch, on Django's auth views with our templates."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.signals import REQUEST_ATTRIBUTE


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie LocaleMiddleware reads, set exactly as Django's set_language view sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Noted by the user_logged_in receiver (accounts.signals) during login().
        language = getattr(self.request, REQUEST_ATTRIBUTE, None)
        if language:
            set_language_cookie(response, language)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + redirect to `next`), also remembered on the user.

    The saved choice is what the next sign-in restores and what e-mails are written in.
    """
    language = request.POST.get("language", "")
    user = request.user
    offered = language in dict(settings.LANGUAGES) and check_for_language(language)
    if user.is_authenticated and offered and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return set_language(request)
