"""Two-step sign-in: password, then a one-time code from an authenticator app (TOTP).

Administrators, staff and leadership must use it where `REQUIRE_2FA_ROLES` says so
(production); anyone else who has set up an authenticator, or has been issued an
enrolment code, is asked for a code too. The password step goes through Django's
authentication (and so through the login lockout); the user is signed in only after the
code is right.

Setting up an authenticator is never trust on first use: the secret (QR code) is shown only
after the user, past the password, types a one-time enrolment code that an administrator
issued (`issue_enrolment_code`, from the admin or `manage.py issue_enrolment_code`). The same
code replaces a lost phone: the old authenticator stops working once the new one is confirmed.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import secrets
import time
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccessLog, EnrolmentCode
from .permissions import user_role

logger = logging.getLogger("tienlang.auth")

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60
# Once an enrolment code is accepted: time to install the app, scan the QR code and confirm.
ENROL_SECONDS = 15 * 60
MAX_TRIES = 5
# Wrong tries an enrolment code survives (counted with the code, across sign-ins).
MAX_ENROLMENT_TRIES = 5
# No 0/O or 1/I: the code is read out over the telephone or copied from paper.
ENROLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ENROLMENT_LENGTH = 12


def must_use_second_factor(user) -> bool:
    return user_role(user) in set(settings.REQUIRE_2FA_ROLES)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_enrolment_code(user) -> bool:
    return EnrolmentCode.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).exists()


def needs_second_factor(user) -> bool:
    return must_use_second_factor(user) or confirmed_device(user) is not None or has_enrolment_code(user)


# --- enrolment codes -----------------------------------------------------------------


def normalise_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def _record(action: str, subject, what: str, actor=None, request=None) -> None:
    """An access-log line about `subject`'s two-step sign-in (never a code or a secret)."""
    profile = getattr(subject, "profile", None)
    AccessLog.objects.create(
        user=actor,
        username=actor.get_username() if actor is not None else "",
        federation_id=getattr(profile, "federation_id", None),
        action=action,
        what=what[:200],
        path=getattr(request, "path", "")[:300] if request is not None else "",
    )


def issue_enrolment_code(user, issued_by=None, hours: int | None = None, request=None) -> str:
    """A new enrolment code for `user`, returned once in clear; any earlier unused code is void.

    Only a hash is kept, so the caller must show the code now (it cannot be shown again).
    """
    hours = settings.ENROLMENT_CODE_HOURS if hours is None else hours
    raw = "".join(secrets.choice(ENROLMENT_ALPHABET) for _position in range(ENROLMENT_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
        record = EnrolmentCode.objects.create(
            user=user,
            code_hash=make_password(raw),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )
        what = _("Cấp mã đăng ký xác thực hai bước cho %(username)s") % {"username": user.get_username()}
        if issued_by is None:
            what += " " + _("(dòng lệnh)")
        _record(AccessLog.Action.ENROL_ISSUED, user, what, actor=issued_by, request=request)
    logger.info(
        "enrolment code issued code_id=%s user_id=%s by=%s",
        record.pk,
        user.pk,
        issued_by.pk if issued_by is not None else "command",
    )
    return "-".join(raw[i : i + 4] for i in range(0, ENROLMENT_LENGTH, 4))


def redeem_enrolment_code(user, typed: str, request=None) -> tuple[EnrolmentCode | None, str]:
    """Spend `typed` if it is `user`'s valid enrolment code; otherwise say why it is refused.

    Only the user's latest code can be valid (issuing one voids the earlier ones). A wrong code
    counts against that code; the last allowed wrong try voids it.
    """
    now = timezone.now()
    reason = ""
    with transaction.atomic():
        record = EnrolmentCode.objects.select_for_update().filter(user=user).order_by("-issued_at", "-pk").first()
        if record is None:
            reason = _("Tài khoản chưa được cấp mã đăng ký; đề nghị quản trị viên cấp mã.")
        elif record.used_at is not None:
            reason = _("Mã đăng ký đã được dùng; mỗi mã chỉ dùng được một lần. Đề nghị quản trị viên cấp mã mới.")
        elif record.revoked_at is not None:
            reason = _("Mã đăng ký đã bị hủy; đề nghị quản trị viên cấp mã mới.")
        elif record.expires_at <= now:
            reason = _("Mã đăng ký đã hết hạn; đề nghị quản trị viên cấp mã mới.")
        elif check_password(normalise_code(typed), record.code_hash):
            record.used_at = now
            record.save(update_fields=["used_at"])
        else:
            record.attempts += 1
            if record.attempts >= MAX_ENROLMENT_TRIES:
                record.revoked_at = now
                reason = _("Nhập sai mã đăng ký %(count)d lần; mã đã bị hủy. Đề nghị quản trị viên cấp mã mới.") % {
                    "count": record.attempts
                }
            else:
                reason = _("Mã đăng ký không đúng; đồng chí còn %(left)d lần nhập.") % {
                    "left": MAX_ENROLMENT_TRIES - record.attempts
                }
            record.save(update_fields=["attempts", "revoked_at"])
        if reason:
            _record(AccessLog.Action.ENROL_FAILED, user, _("Mã đăng ký bị từ chối"), actor=user, request=request)
        else:
            _record(
                AccessLog.Action.ENROL_USED, user, _("Dùng mã đăng ký xác thực hai bước"), actor=user, request=request
            )
    if reason:
        logger.warning(
            "enrolment code refused user_id=%s code_id=%s", user.pk, record.pk if record is not None else "-"
        )
        return None, reason
    logger.info("enrolment code used code_id=%s user_id=%s", record.pk, user.pk)
    return record, ""


# --- the sign-in steps ---------------------------------------------------------------


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


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã đăng ký do quản trị viên cấp"),
        help_text=gettext_lazy("12 ký tự chữ và số; không phân biệt chữ hoa, chữ thường và dấu gạch ngang."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}
        ),
    )


def _qr_svg(device: TOTPDevice) -> str:
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return mark_safe(buffer.getvalue().decode("utf-8"))


def _pending(request):
    """The pending sign-in and its user, or (None, None) once it has expired or never began."""
    pending = request.session.get(PENDING)
    if pending:
        enrolment = pending.get("enrolment")
        started, window = (enrolment["at"], ENROL_SECONDS) if enrolment else (pending["at"], PENDING_SECONDS)
        if time.time() - started <= window:
            user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
            if user is not None:
                return pending, user
    request.session.pop(PENDING, None)
    return None, None


def _start_again(request):
    messages.info(request, _("Phiên đăng nhập đã hết hạn; vui lòng nhập lại mật khẩu."))
    return redirect(settings.LOGIN_URL)


def _failed(request, pending, reason: str = ""):
    """Count a wrong code; after `MAX_TRIES` the pending sign-in ends (the answer is returned then)."""
    pending["tries"] += 1
    request.session[PENDING] = pending
    if pending["tries"] < MAX_TRIES:
        return None
    request.session.pop(PENDING, None)
    if reason:
        messages.error(request, reason)
    messages.error(request, _("Nhập sai mã quá nhiều lần; vui lòng đăng nhập lại."))
    return redirect(settings.LOGIN_URL)


def _sign_in(request, user, pending, device):
    request.session.pop(PENDING, None)
    user.backend = pending["backend"]
    login(request, user, backend=pending["backend"])
    otp_login(request, device)
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = settings.LOGIN_REDIRECT_URL
    return redirect(target or settings.LOGIN_REDIRECT_URL)


@login_not_required
@never_cache
@csrf_protect
def otp_verify(request):
    """The code step; a user without an authenticator yet goes to `otp_enrol` first."""
    pending, user = _pending(request)
    if user is None:
        return _start_again(request)
    device = confirmed_device(user)
    if device is None:
        return redirect("otp_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            return _sign_in(request, user, pending, device)
        stop = _failed(request, pending)
        if stop:
            return stop
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "registration/otp_verify.html", {"form": form, "enrolling": False})


@login_not_required
@never_cache
@csrf_protect
def otp_enrol(request):
    """Setting up an authenticator: the enrolment code first, then the secret, then a code from the app."""
    pending, user = _pending(request)
    if user is None:
        return _start_again(request)
    enrolment = pending.get("enrolment")
    if enrolment is None:
        form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            record, reason = redeem_enrolment_code(user, form.cleaned_data["code"], request=request)
            if record is not None:
                # A secret shown earlier (an unfinished set-up) is never used again.
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
                pending.update(enrolment={"device": device.pk, "code": record.pk, "at": time.time()}, tries=0)
                request.session[PENDING] = pending
                return redirect("otp_enrol")
            stop = _failed(request, pending, reason)
            if stop:
                return stop
            form.add_error("code", reason)
        context = {"form": form, "has_device": confirmed_device(user) is not None}
        return render(request, "registration/otp_enrol.html", context)
    device = TOTPDevice.objects.filter(pk=enrolment["device"], user=user, confirmed=False).first()
    if device is None:
        request.session.pop(PENDING, None)
        return _start_again(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                replaced, _counts = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                what = _("Đăng ký ứng dụng xác thực")
                if replaced:
                    what += " " + _("(thay ứng dụng cũ)")
                _record(AccessLog.Action.ENROLLED, user, what, actor=user, request=request)
            logger.info("authenticator confirmed user_id=%s replaced=%s", user.pk, replaced)
            return _sign_in(request, user, pending, device)
        stop = _failed(request, pending)
        if stop:
            return stop
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    context = {"form": form, "enrolling": True, "qr": _qr_svg(device), "secret": device_secret(device)}
    return render(request, "registration/otp_verify.html", context)


def device_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
