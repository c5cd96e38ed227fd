"""The page's language: Vietnamese unless the user chose another in the user menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor whose browser
asks for English would get Django's own labels in English among the product's Vietnamese (and a
``lang`` that misstates the page). Here only the choice made with the language switch (Django's
``set_language`` view, which stores it in the language cookie) changes the language, and only to a
language of ``LANGUAGES``. Documents (Excel downloads) stay in Vietnamese whatever the screen's
language: they are the federation's records and go to the Party committee as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code in dict(settings.LANGUAGES) and not is_document_request(request):
        return code
    return settings.LANGUAGE_CODE


def is_document_request(request) -> bool:
    return request.path.endswith(".xlsx") or "export" in request.GET


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
