"""The English translation: complete, chosen only with the switch in the user menu, never by the
browser; documents stay Vietnamese."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command

from tests import factories

ROOT = Path(settings.BASE_DIR)
SOURCES = ["templates", "tienlang", "unions", "candidates", "classes", "admission", "reports", "jobs"]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _msgids(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects (e.g. --untranslated, --only-fuzzy), header left out."""
    out = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    ids = re.findall(r'^msgid "(.*)"$', out, flags=re.M)
    return [i for i in ids if i]


def test_english_catalogue_translates_every_string_of_the_interface(tmp_path, settings):
    """Extract the strings of every template and module again (as `make messages` does, in a copy)
    and require an English msgstr, not fuzzy, for each: a text added without its translation fails
    here with its msgid."""
    if not shutil.which("msgattrib"):
        pytest.fail("GNU gettext is needed (scripts/system-packages.sh installs it)")
    copy = tmp_path / "src"
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copytree(ROOT / "locale", copy / "locale")
    settings.LOCALE_PATHS = [copy / "locale"]
    here = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(here)
    extracted = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert len(_msgids(extracted)) > 1000
    missing = _msgids(extracted, "--untranslated") + _msgids(extracted, "--only-fuzzy")
    assert missing == [], "Untranslated or fuzzy in locale/en (run `make messages` and translate):\n" + "\n".join(
        missing
    )


def test_committed_catalogue_has_no_empty_or_fuzzy_entry():
    assert _msgids(PO, "--untranslated") == []
    assert _msgids(PO, "--only-fuzzy") == []


@pytest.mark.django_db
def test_user_who_switches_to_english_sees_english_pages(client, union_a, staff):
    factories.make_nomination(union_a, full_name="Đặng Thị Ánh", user=staff)
    client.force_login(staff)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Dashboard" in page and "Sign out" in page and "Tổng quan" not in page
    page = client.get("/candidates/").content.decode()
    assert '<html lang="en">' in page
    assert "Party development nominations" in page and "Full name" in page
    assert "Đặng Thị Ánh" in page  # data stays as it is
    # The switch offers the way back, named in its own language.
    assert 'value="vi" lang="vi"' in page and "Tiếng Việt" in unicodedata.normalize("NFC", page)
    # Labels defined once for the whole process (the kinds of steps due) follow the user's language.
    page = client.get("/admission/due/").content.decode()
    assert "Overdue and due soon" in page and "Quá hạn và sắp đến hạn" not in page


@pytest.mark.django_db
def test_english_browser_without_the_switch_gets_vietnamese(client, staff):
    client.force_login(staff)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page
    assert "Tổng quan" in page and "Dashboard" not in page
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert login.status_code in (200, 302)


@pytest.mark.django_db
def test_documents_stay_vietnamese_for_an_english_user(client, union_a, staff):
    factories.make_nomination(union_a, user=staff)
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/candidates/?export=xlsx").content))
    cells = {c for row in workbook.active.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "Họ và tên" in cells and "Full name" not in cells


@pytest.mark.django_db
def test_unknown_language_is_ignored(client, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in client.get("/").content.decode()


# Template text outside {% translate %} / {% blocktranslate %}: tags, variables, comments, scripts
# and markup removed, what is left must be no words (a symbol or an entity at most).
_BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", re.S)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_ATTRIBUTE = re.compile(r'\s(?:title|placeholder|aria-label|alt)="([^"]*)"')


def test_templates_have_no_text_outside_translate_tags():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = _COMMENT.sub("", _BLOCK.sub("", path.read_text(encoding="utf-8")))
        text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
        plain = _TAG.sub(" ", text)
        # A date pattern ("dd/mm/yyyy") is a format, the same in every language.
        words = [a for a in _ATTRIBUTE.findall(plain) if re.search(r"[A-Za-zÀ-ỹ]{2,}", a) and a != "dd/mm/yyyy"]
        for line in re.sub(r"<[^>]*>", "\n", plain).split("\n"):
            if re.search(r"[A-Za-zÀ-ỹ]{2,}", line) and not re.fullmatch(r"\s*(&[a-z]+;|&#\d+;|\s)*\s*", line):
                words.append(line.strip())
        found += [f"{path.relative_to(ROOT)}: {w}" for w in words]
    assert found == [], "Text not marked for translation:\n" + "\n".join(found)
