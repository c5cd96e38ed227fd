"""The demo scenario of the 2022 pilot, loaded by `seed_demo`."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from unions.models import Enterprise, GrassrootsUnion, PartyOrganization, Role

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "canbo": Role.STAFF,
    "lanhdao": Role.LEADERSHIP,
    "chutich.sunvigo": Role.CHAIR,
    "chutich.phucthuan": Role.CHAIR,
    "chutich.m2": Role.CHAIR,
    "huyenuy": Role.PARTY_VIEWER,
}


def _snapshot():
    """Every row of every project model, as plain values."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"unions", "candidates", "classes", "reports", "auth"}:
            rows[model._meta.label] = sorted(map(str, model.objects.values_list()))
    return rows


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


TIEN_LANG = "Liên đoàn Lao động huyện Tiên Lãng"


def test_demo_matches_the_2022_pilot(demo):
    assert Enterprise.objects.count() > 100
    # The unions Tiên Lãng held in 2022 (since 01/07/2025 under the commune-level unions).
    assert GrassrootsUnion.objects.filter(affiliations__federation__name=TIEN_LANG).count() == 34
    assert Enterprise.objects.with_party_organization().count() == 6
    assert set(GrassrootsUnion.objects.filter(enterprise__is_pilot=True).values_list("code", flat=True)) == {
        "CD-SUNVIGO",
        "CD-PHUCTHUAN",
        "CD-M2",
    }
    sunvigo = Enterprise.objects.get(unions__code="CD-SUNVIGO")
    assert (sunvigo.workers, sunvigo.commune.name, sunvigo.ownership) == (1500, "Xã Tiên Cường", "fdi")
    assert Enterprise.objects.get(unions__code="CD-PHUCTHUAN").workers == 800
    assert Enterprise.objects.get(unions__code="CD-M2").workers == 80
    assert PartyOrganization.objects.filter(kind="commune").count() == 21


def test_demo_accounts_log_in_with_the_documented_password(demo, client):
    User = get_user_model()
    for username, role in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.profile.role == role
        assert client.login(username=username, password="TienLang@2022"), username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="chutich.m2").profile.union.code == "CD-M2"


@pytest.mark.django_db(transaction=True)
def test_reset_wipes_other_data_first(demo):
    get_user_model().objects.create_user("tam_thoi", password="x")
    call_command("seed_demo", "--reset", verbosity=0)
    assert not get_user_model().objects.filter(username="tam_thoi").exists()
    assert GrassrootsUnion.objects.filter(affiliations__federation__name=TIEN_LANG).count() == 34


def test_if_empty_leaves_an_existing_database_alone(demo):
    Enterprise.objects.filter(is_pilot=False, unions__isnull=True).first().delete()
    before = Enterprise.objects.count()
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Enterprise.objects.count() == before
