"""Migrations are safe to apply to a live database: each goes forward and back on PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
# The project's own apps, new ones included. Django's own apps stay applied: auth's early
# migrations cannot shrink the permission names its later ones allowed (Django's business).
OUR_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == ROOT and (Path(config.path) / "migrations").is_dir()
)


@pytest.fixture
def executor():
    yield MigrationExecutor(connection)
    # Whatever happened, leave the database fully migrated for the tests that follow.
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


def migrate(executor: MigrationExecutor, targets) -> None:
    executor.loader.build_graph()  # the applied set changed since the last call
    executor.migrate(targets)


def leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def test_every_migration_of_our_apps_unapplies_and_applies_again(executor):
    assert {"unions", "candidates", "classes", "reports"} <= set(OUR_APPS)
    migrate(executor, [(app, None) for app in OUR_APPS])
    assert "candidates_person" not in connection.introspection.table_names()
    migrate(executor, leaves(executor))
    assert {"candidates_person", "candidates_consent", "unions_accesslog"} <= set(
        connection.introspection.table_names()
    )
    # The eligibility rules come from a data migration, and come back with it.
    assert apps.get_model("candidates", "EligibilityRule").objects.exists()


def test_latest_migrations_go_back_and_forth_under_live_data(executor):
    from tests import factories

    union = factories.make_union()
    nomination = factories.make_nomination(union, full_name="Lương Thị Dữ Liệu Sống")
    graph = executor.loader.graph
    previous = []
    for app in OUR_APPS:
        leaf = graph.leaf_nodes(app)[0]
        parents = [p.key for p in graph.node_map[leaf].parents if p.key[0] == app]
        previous += parents[:1]
    assert len(previous) >= 4, "the main apps have at least two migrations each"
    migrate(executor, previous)
    migrate(executor, leaves(executor))
    Person = apps.get_model("candidates", "Person")
    assert Person.objects.get(pk=nomination.person_id).full_name == "Lương Thị Dữ Liệu Sống"
    assert apps.get_model("candidates", "Nomination").objects.filter(pk=nomination.pk).exists()


def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, verbosity=1)
    assert "No changes detected" in out.getvalue()
