"""The product's own error pages, in the demo too.

With `DEBUG` on (`make run` serves the demo so), Django answers an unknown address or a view's
`Http404` with its technical page, which lists every URL pattern, and an unexpected error with
a traceback page. A person trying the product must see the product's Vietnamese pages instead:

- every address ending in "/" resolves (`catch_all`, last in the root URLconf), so an unknown
  one is the product's 404 page (or the login page for a visitor not signed in); an address
  without the slash is first sent to it by `APPEND_SLASH`;
- `ProductErrorPagesMiddleware` renders the product's 404 page for a view's `Http404` and its
  500 page for an unexpected error, the traceback going to the log (the console of `make run`).

`DEBUG_TECHNICAL_PAGES=1` gives a developer Django's technical pages back. Without `DEBUG`,
Django's own handlers (`handler404` in tienlang/urls.py, templates/500.html) already do this.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.views import defaults

logger = logging.getLogger("django.request")


def page_not_found(request, exception=None):
    """A visitor who is not signed in goes to the login page, whatever the address (as for every
    page); a signed-in user gets the product's Vietnamese 404 page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return defaults.page_not_found(request, exception or Http404())


def catch_all(request, path=""):
    """Any address no page answers: the product's 404 page."""
    return page_not_found(request)


class ProductErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or settings.DEBUG_TECHNICAL_PAGES:
            return None  # Django's handlers (or, for a developer, its technical pages)
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if _handled_by_django(exception):
            return None
        logger.error("Lỗi máy chủ: %s", request.path, exc_info=exception)
        return defaults.server_error(request)


def _handled_by_django(exception) -> bool:
    """403 and 400 are answered by Django's handlers whatever DEBUG says."""
    return isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation)
