"""The person's own two-factor page (account menu → Two-factor sign-in): enrol with a QR code or
the secret typed, confirm with a code, see the backup codes once; later make new backup codes,
move to a new phone or turn it off, each after a current code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import CurrentCodeForm, EnrolCodeForm
from accounts.two_factor import (
    BACKUP_CODE_COUNT,
    Outcome,
    authenticator_of,
    authenticator_pending,
    authenticator_restart,
    backup_code_for_reading,
    backup_codes_left,
    backup_codes_renew,
    code_check,
    secret_for_typing,
    two_factor_disable,
    two_factor_enable,
    two_factor_required,
)

# Set in the session once a current code allowed moving to a new phone; the old authenticator
# keeps working until the new one is confirmed.
REPLACING_KEY = "two_factor_replacing"


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code: drawn here, no image request, no script,
    no style attribute (the page's Content-Security-Policy allows none)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#111827",
        light="#ffffff",
        title=_("QR code for your authenticator app"),
        svgclass="qr-code",
        lineclass=None,
    )
    # segno's own markup of our own address: nothing a person typed.
    return mark_safe(svg)


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes in a row: wait %(seconds)d second and try again.",
        "Too many wrong codes in a row: wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


@method_decorator([login_required, never_cache, sensitive_post_parameters("code")], name="dispatch")
class TwoFactorView(View):
    template_name = "accounts/two_factor.html"
    codes_template = "accounts/backup_codes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if "cancel_replace" in request.POST:
            request.session.pop(REPLACING_KEY, None)
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            return redirect(self._self_url(request))
        if "enable" in request.POST:
            return self._enable(request, user)
        return self._change(request, user)

    # --- enrolment ----------------------------------------------------------------------------

    def _enable(self, request: HttpRequest, user: Any) -> HttpResponse:
        form = EnrolCodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, enrol_form=form)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            # Enabled meanwhile (another tab): nothing pending to confirm.
            return redirect(self._self_url(request))
        outcome, codes = two_factor_enable(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if outcome == Outcome.WAIT:
            form.add_error("code", _("Wait a few seconds, then type the code the app shows now."))
            return self._page(request, enrol_form=form)
        if outcome != Outcome.TOTP:
            form.add_error(
                "code",
                _(
                    "That code is not right. Type the six digits the app shows now for this "
                    "account; if it keeps failing, check that your phone's clock is set "
                    "automatically."
                ),
            )
            return self._page(request, enrol_form=form)
        replaced = bool(request.session.pop(REPLACING_KEY, False))
        device.refresh_from_db()
        # A step up in what this session proves: a new session key, verified by the new device.
        request.session.cycle_key()
        otp_login(request, device)
        return self._codes(request, codes, first=not replaced, replaced=replaced)

    # --- changes that need a current code ---------------------------------------------------

    def _change(self, request: HttpRequest, user: Any) -> HttpResponse:
        form = CurrentCodeForm(request.POST)
        if authenticator_of(user=user) is None:
            return redirect(self._self_url(request))
        if not form.is_valid():
            return self._page(request, change_form=form)
        action = form.cleaned_data["action"]
        if action == "disable" and two_factor_required(user=user):
            form.add_error(
                None,
                _(
                    "Your role requires two-factor sign-in, so it cannot be turned off. To use "
                    "another phone, choose “Move to a new phone”."
                ),
            )
            return self._page(request, change_form=form)
        result = code_check(
            request=request, user=user, code=form.cleaned_data["code"], purpose=action
        )
        if result.outcome == Outcome.LOCKED:
            # Too many wrong codes: this session ends, and axes' middleware shows the lockout page.
            logout(request)
            return redirect("login")
        if not result.ok:
            form.add_error(
                "code",
                _wait_message(result.wait_seconds)
                if result.outcome == Outcome.WAIT
                else _("That code is not right."),
            )
            return self._page(request, change_form=form)
        if action == "backup_codes":
            codes = backup_codes_renew(user=user, request=request)
            return self._codes(request, codes, first=False, replaced=False)
        if action == "replace":
            request.session[REPLACING_KEY] = True
            authenticator_restart(user=user)
            return redirect(self._self_url(request))
        two_factor_disable(user=user, request=request)
        messages.success(request, _("Two-factor sign-in is off. You can turn it on again here."))
        return redirect(self._self_url(request))

    # --- pages --------------------------------------------------------------------------------

    def _next_url(self, request: HttpRequest) -> str:
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        return ""

    def _self_url(self, request: HttpRequest) -> str:
        url = reverse("two_factor")
        next_url = self._next_url(request)
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def _page(
        self,
        request: HttpRequest,
        *,
        enrol_form: EnrolCodeForm | None = None,
        change_form: CurrentCodeForm | None = None,
    ) -> HttpResponse:
        user: Any = request.user
        authenticator = authenticator_of(user=user)
        replacing = authenticator is not None and bool(request.session.get(REPLACING_KEY))
        if authenticator is None and request.session.get(REPLACING_KEY):
            request.session.pop(REPLACING_KEY, None)
        required = two_factor_required(user=user)
        context: dict[str, Any] = {
            "authenticator": authenticator,
            "replacing": replacing,
            "required": required,
            # Held here until enrolled (accounts.two_factor_gate): no way out but signing out.
            "confined": required and authenticator is None,
            "next_url": self._next_url(request),
            "nav_active": "two_factor",
        }
        if authenticator is None or replacing:
            pending = authenticator_pending(user=user)
            context.update(
                enrolling=True,
                qr_code=qr_code_svg(pending),
                secret=secret_for_typing(pending),
                enrol_form=enrol_form or EnrolCodeForm(),
            )
        else:
            context.update(
                backup_codes_left=backup_codes_left(user=user),
                change_form=change_form or CurrentCodeForm(),
            )
        return render(request, self.template_name, context)

    def _codes(
        self, request: HttpRequest, codes: list[str], *, first: bool, replaced: bool
    ) -> HttpResponse:
        """The backup codes, shown this once (the response is not cached; reloading it does not
        show them again)."""
        return render(
            request,
            self.codes_template,
            {
                "codes": [backup_code_for_reading(code) for code in codes],
                "count": BACKUP_CODE_COUNT,
                "first": first,
                "replaced": replaced,
                "next_url": self._next_url(request) or reverse("home"),
            },
        )
