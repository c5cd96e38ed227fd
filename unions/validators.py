"""Password rules for an office where names of places and organisations are easy guesses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tienlang.lib.text import fold

CONTEXT_WORDS = [
    "tienlang",
    "haiphong",
    "congdoan",
    "ldld",
    "liendoan",
    "laodong",
    "dangvien",
    "dangcongsan",
    "huyenuy",
    "matkhau",
    "vietnam",
    "sunvigo",
    "phucthuan",
]


class ContextWordsValidator:
    """Refuse passwords built on the product's, the office's or the region's own words."""

    def validate(self, password, user=None):
        folded = re.sub(r"[^a-z0-9]", "", fold(password))
        for word in CONTEXT_WORDS:
            if word in folded:
                raise ValidationError(
                    _("Mật khẩu không được chứa tên địa phương, tổ chức hoặc từ dễ đoán (“%(word)s”).")
                    % {"word": word},
                    code="password_context_word",
                )

    def get_help_text(self):
        return _("Mật khẩu không được chứa tên địa phương, tổ chức hoặc từ dễ đoán như “tienlang”, “congdoan”.")
