"""The dashboard of an upper level compares the federations below it; each row opens that one."""

from __future__ import annotations

import re

import pytest

from tests.factories import get_user
from unions.models import Federation

pytestmark = pytest.mark.django_db

TIEN_LANG = "Liên đoàn Lao động huyện Tiên Lãng"


def _funnel(body: str, name: str) -> int:
    match = re.search(rf'data-testid="funnel-{name}">([\d.]+)<', body)
    return int(match.group(1).replace(".", ""))


def test_the_city_dashboard_compares_its_federations_and_opens_each(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    body = client.get("/?year=2022").content.decode()
    assert 'data-testid="comparison"' in body
    # In 2022 the city had two district federations below it (the commune-level ones came in 2025).
    names = [TIEN_LANG, "Liên đoàn Lao động huyện Vĩnh Bảo"]
    assert body.count('data-testid="comparison-row"') == 2
    for name in names:
        assert name in body
    later = client.get("/?year=2026").content.decode()
    assert "Công đoàn xã Vĩnh Bảo" in later and TIEN_LANG not in later.split('data-testid="comparison"')[1]
    tien_lang = Federation.objects.get(name=TIEN_LANG)
    # Its targets for 2022 (2 classes, 100 learners, 2 Party organisations) beside the records.
    row = body.split(f"?federation={tien_lang.pk}&amp;year=2022")[1].split("</tr>")[0]
    assert "/ 100" in row and "/ 2" in row
    link = f"/?federation={tien_lang.pk}&amp;year=2022"
    assert link in body
    opened = client.get(f"/?federation={tien_lang.pk}&year=2022")
    assert opened.status_code == 200
    opened_body = opened.content.decode()
    assert TIEN_LANG in opened_body and 'data-testid="comparison"' not in opened_body
    # The district's own dashboard, as its staff see it.
    client.force_login(get_user("canbo"))
    own = client.get("/?year=2022").content.decode()
    assert _funnel(opened_body, "nominated") == _funnel(own, "nominated") == 63


@pytest.mark.parametrize("who", ["canbo", "chutich.m2", "huyenuy"])
def test_a_federation_outside_the_user_s_tree_is_404(client, demo, who):
    other = Federation.objects.get(name="Liên đoàn Lao động huyện Vĩnh Bảo")
    client.force_login(get_user(who))
    assert client.get(f"/?federation={other.pk}").status_code == 404


def test_a_bad_federation_id_is_404(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    assert client.get("/?federation=abc").status_code == 404
    assert client.get("/?federation=999999").status_code == 404


def test_a_district_dashboard_has_no_comparison(client, demo):
    client.force_login(get_user("canbo"))
    assert 'data-testid="comparison"' not in client.get("/?year=2022").content.decode()
