"""Request/response rules that protect signed-in sessions and the personal data they show."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "signed_in_at"
SESSION_RENEWED_KEY = "renewed_at"


class SessionLimitMiddleware:
    """End a session a fixed time after sign-in, however active it has been, and renew its idle
    limit (the cookie age) as it is used.

    The idle limit is renewed by saving the session, at most once every `SESSION_RENEW_SECONDS`
    (60): saving it on every request wrote a row and committed on every page anyone read. An
    idle session so ends between `SESSION_IDLE_SECONDS` less that interval and
    `SESSION_IDLE_SECONDS` after its last request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn; vui lòng đăng nhập lại."))
                return redirect(settings.LOGIN_URL)
        response = self.get_response(request)
        self.renew(request)
        return response

    @staticmethod
    def renew(request) -> None:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated:
            return
        now = time.time()
        # A session the request changed is saved, so renewed, anyway: note when.
        if session.modified or now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
            session[SESSION_RENEWED_KEY] = now


class NoStoreMiddleware:
    """Pages and downloads shown to a signed-in user may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class AdminInlineStylesMiddleware:
    """The product's pages allow no inline style; Django's admin (and the admin pages of the
    packages it shows) still writes a few `style=` attributes, so only under /admin/ are they allowed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
