"""Two-step sign-in: password, then a one-time code from an authenticator app (TOTP).

Staff and administrators must use it where `REQUIRE_2FA_ROLES` says so (production);
anyone else who has set up an authenticator is asked for a code too. The password step
goes through Django's authentication (and so through the login lockout); the user is
signed in only after the code is right.
"""

from __future__ import annotations

import io
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import user_role

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60
MAX_TRIES = 5


def must_use_second_factor(user) -> bool:
    return user_role(user) in set(settings.REQUIRE_2FA_ROLES)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user) -> bool:
    return must_use_second_factor(user) or confirmed_device(user) is not None


class TwoStepLoginView(LoginView):
    """The password step. Users who need a code continue to `otp_verify` without being signed in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not needs_second_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "tries": 0,
            "next": self.get_redirect_url(),
        }
        return redirect("otp_verify")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Mã xác thực (6 chữ số)"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Mã xác thực gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _qr_svg(device: TOTPDevice) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return mark_safe(buffer.getvalue().decode("utf-8"))


@login_not_required
@never_cache
@csrf_protect
def otp_verify(request):
    """The code step; a user without an authenticator yet sets one up here first."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("Phiên đăng nhập đã hết hạn; vui lòng nhập lại mật khẩu."))
        return redirect(settings.LOGIN_URL)
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect(settings.LOGIN_URL)
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name=_("Ứng dụng xác thực"), confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            request.session.pop(PENDING, None)
            user.backend = pending["backend"]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        pending["tries"] += 1
        request.session[PENDING] = pending
        if pending["tries"] >= MAX_TRIES:
            request.session.pop(PENDING, None)
            messages.error(request, _("Nhập sai mã quá nhiều lần; vui lòng đăng nhập lại."))
            return redirect(settings.LOGIN_URL)
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context.update({"qr": _qr_svg(device), "secret": device_secret(device)})
    return render(request, "registration/otp_verify.html", context)


def device_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
