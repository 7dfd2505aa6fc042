"""Sign-in (with its second step), password change and the language switch, on Django's auth
views with our templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import NotificationDeliveryForm, SignInCodeForm
from accounts.services import user_notification_delivery_set
from accounts.signals import REQUEST_ATTRIBUTE
from accounts.two_factor import Outcome, backup_codes_left, code_check, two_factor_enrolled
from accounts.two_factor_gate import pending_clear, pending_get, pending_start, sign_in_complete


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


def _with_language(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # Noted by the user_logged_in receiver (accounts.signals) during login().
    language = getattr(request, REQUEST_ATTRIBUTE, None)
    if language:
        set_language_cookie(response, language)
    return response


class TwoStepSignIn:
    """The password step of a sign-in door. A person with an authenticator is not signed in yet:
    the code page (SignInCodeView) finishes it. Everyone else is signed in at once; the gate
    (accounts.two_factor_gate) sends one who must enrol to enrolment."""

    door = "workspace"
    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor_enrolled(user=user):
            pending_start(
                self.request,
                user=user,
                next_url=self.get_success_url(),  # type: ignore[attr-defined]
                door=self.door,
            )
            return redirect("login_code")
        response = super().form_valid(form)  # type: ignore[misc]
        return _with_language(self.request, response)


class SignInView(TwoStepSignIn, auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class AdminSignInView(TwoStepSignIn, auth_views.LoginView):
    """The admin's sign-in page (Django's, as AdminSite.login shows it), with the same second step."""

    door = "admin"
    template_name = "admin/login.html"
    authentication_form = AdminAuthenticationForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "GET" and admin.site.has_permission(request):
            return redirect("admin:index")
        request.current_app = admin.site.name  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            admin.site.each_context(self.request),
            title=_("Log in"),
            subtitle=None,
            app_path=self.request.get_full_path(),
            username=self.request.user.get_username(),
        )
        if (
            REDIRECT_FIELD_NAME not in self.request.GET
            and REDIRECT_FIELD_NAME not in self.request.POST
        ):
            context[REDIRECT_FIELD_NAME] = reverse("admin:index")
        return context

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")


@method_decorator([sensitive_post_parameters("code"), csrf_protect, never_cache], name="dispatch")
class SignInCodeView(View):
    """The second step: a code from the authenticator app, or a backup code."""

    template_name = "registration/login_code.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        pending = pending_get(request)
        if pending is None:
            return redirect("login")
        return self._page(request, SignInCodeForm(), pending[0])

    def post(self, request: HttpRequest) -> HttpResponse:
        pending = pending_get(request)
        if pending is None:
            messages.info(request, _("The sign-in took too long. Please start again."))
            return redirect("login")
        user, data = pending
        form = SignInCodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, user, status=200)
        result = code_check(
            request=request, user=user, code=form.cleaned_data["code"], purpose="sign_in"
        )
        if result.outcome == Outcome.LOCKED:
            pending_clear(request)
            # axes' middleware answers with the lockout page (accounts.lockout.locked_out).
            return redirect("login")
        if not result.ok:
            if result.outcome == Outcome.WAIT:
                error = ngettext(
                    "Too many wrong codes in a row: wait %(seconds)d second and try again.",
                    "Too many wrong codes in a row: wait %(seconds)d seconds and try again.",
                    result.wait_seconds,
                ) % {"seconds": result.wait_seconds}
            else:
                error = _("That code is not right. Check the time on your phone and try again.")
            form.add_error("code", error)
            return self._page(request, form, user)
        sign_in_complete(
            request,
            user=user,
            backend=data.get("backend"),
            device=result.device,
            second_factor=str(result.outcome),
            door=data.get("door") or "workspace",
        )
        next_url = data.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse(settings.LOGIN_REDIRECT_URL)
        if result.outcome == Outcome.BACKUP_CODE:
            left = backup_codes_left(user=user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a backup code. %(count)d backup code is left: make new "
                    "ones in Two-factor sign-in.",
                    "You signed in with a backup code. %(count)d backup codes are left: make new "
                    "ones in Two-factor sign-in.",
                    left,
                )
                % {"count": left},
            )
        return _with_language(request, redirect(next_url))

    def _page(
        self, request: HttpRequest, form: SignInCodeForm, user: Any, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "pending_username": user.get_username()},
            status=status,
        )


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


@login_required
@never_cache
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The person's own choice: notifications by e-mail and in the inbox, or in the inbox only."""
    user = request.user
    form = NotificationDeliveryForm(
        request.POST or None, initial={"notification_delivery": user.notification_delivery}
    )
    if request.method == "POST" and form.is_valid():
        user_notification_delivery_set(
            user=user, delivery=form.cleaned_data["notification_delivery"]
        )
        messages.success(request, _("Your notification setting has been saved."))
        return redirect("notification_settings")
    return render(request, "accounts/notification_settings.html", {"form": form})
