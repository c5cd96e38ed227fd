"""The one scoping mechanism: every scoped model's manager has `for_user(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.apps import apps
from django.db import connection, models
from django.db.models import Q

from tienlang.lib.text import fold
from tienlang.lib.versioning import FIELD, is_versioned

from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import UserProfile


def _subtree(table: str, root_id: int) -> list[int]:
    """`root_id` and the ids of every row below it in a tree of rows with a `parent_id`.

    One recursive query, the same on PostgreSQL and SQLite; the scope filter then costs one
    indexed `IN` condition on the scoped table, whatever the depth of the tree.
    """
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE below(id) AS (SELECT id FROM {quoted} WHERE id = %s "
            f"UNION SELECT t.id FROM {quoted} t JOIN below b ON t.parent_id = b.id) SELECT id FROM below",
            [root_id],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _scope_tree(table: str, root_id: int, handed_over: str) -> list[int]:
    """Like `_subtree`, also following what an ended row handed over in an applied reorganisation.

    `handed_over` selects (up, down) pairs: an ended federation and the federations that took its
    unions; an ended Party organisation and the lower organisations it handed over. The users of an
    ended row so keep seeing the work it held (docs/architecture.md, "The tree"). Still one query.
    """
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE edges(up, down) AS (SELECT parent_id, id FROM {quoted} WHERE parent_id IS NOT NULL "
            f"UNION ALL {handed_over}), "
            "below(id) AS (SELECT CAST(%s AS BIGINT) UNION SELECT e.down FROM edges e JOIN below b ON e.up = b.id) "
            "SELECT id FROM below",
            [root_id],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _handed_over(source: str, target: str) -> str:
    reorganisation = connection.ops.quote_name(apps.get_model("unions", "Reorganisation")._meta.db_table)
    item = connection.ops.quote_name(apps.get_model("unions", "ReorganisationItem")._meta.db_table)
    return (
        f"SELECT DISTINCT r.{source}, i.{target} FROM {reorganisation} r JOIN {item} i ON i.reorganisation_id = r.id "
        f"WHERE r.state = 'applied' AND i.{target} IS NOT NULL"
    )


def area_around(area_id: int) -> list[int]:
    """`area_id`, every administrative unit inside it and every unit it lies in (one query):
    a district, its communes, and its province."""
    quoted = connection.ops.quote_name(apps.get_model("unions", "AdministrativeUnit")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE below(id) AS (SELECT id FROM {quoted} WHERE id = %s "
            f"UNION SELECT t.id FROM {quoted} t JOIN below b ON t.parent_id = b.id), "
            f"above(id, parent_id) AS (SELECT id, parent_id FROM {quoted} WHERE id = %s "
            f"UNION SELECT t.id, t.parent_id FROM {quoted} t JOIN above a ON t.id = a.parent_id) "
            "SELECT id FROM below UNION SELECT id FROM above",
            [area_id, area_id],
        )
        return sorted(row[0] for row in cursor.fetchall())


def federation_subtree(federation_id: int) -> list[int]:
    """`federation_id` and every federation below it."""
    return _subtree(apps.get_model("unions", "Federation")._meta.db_table, federation_id)


def federation_scope(federation_id: int) -> list[int]:
    """What a user of `federation_id` sees: it, every federation below it and, for a federation
    ended by a reorganisation, the federations that took over its unions (one query)."""
    table = apps.get_model("unions", "Federation")._meta.db_table  # models import this module
    return _scope_tree(table, federation_id, _handed_over("source_federation_id", "target_federation_id"))


def federation_ids(profile) -> list[int]:
    """The user's federation and every federation below it (cached on the profile for the request);
    for a federation ended by a reorganisation, also the federations that took over its unions."""
    if profile is None or profile.federation_id is None:
        return []
    cached = getattr(profile, "_federation_ids", None)
    if cached is None or cached[0] != profile.federation_id:
        cached = (profile.federation_id, federation_scope(profile.federation_id))
        profile._federation_ids = cached
    return cached[1]


def party_organization_ids(profile) -> list[int]:
    """The Party viewer's organisation and every organisation below it (cached like `federation_ids`)."""
    if profile is None or profile.party_organization_id is None:
        return []
    cached = getattr(profile, "_party_organization_ids", None)
    if cached is None or cached[0] != profile.party_organization_id:
        table = apps.get_model("unions", "PartyOrganization")._meta.db_table
        handed_over = _handed_over("source_party_id", "party_organization_id")
        cached = (profile.party_organization_id, _scope_tree(table, profile.party_organization_id, handed_over))
        profile._party_organization_ids = cached
    return cached[1]


class ScopedQuerySet(models.QuerySet):
    """Rows `user` may see.

    - administrators (superusers): everything;
    - federation staff and leadership: everything in their federation and in every federation
      below it (a city federation sees its district and commune-level federations);
    - union chairs: their own union's rows only;
    - Party committee viewers: what `party_viewer_filter` allows (nothing by default);
    - anyone else (no profile, inactive): nothing.

    Subclasses name the lookups from the model to its federation and its union.
    `union_lookup = None` means a chair sees nothing of that model.
    """

    federation_lookup: str | None = "federation"
    union_lookup: str | None = "union"

    def update(self, **kwargs: object) -> int:
        """A bulk change is a change too: an edit form opened before it must be refused."""
        if is_versioned(self.model) and FIELD not in kwargs:
            kwargs[FIELD] = models.F(FIELD) + 1
        return super().update(**kwargs)

    def for_user(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        profile = getattr(user, "profile", None)
        if profile is None or profile.federation_id is None:
            return self.none()
        if profile.role in (Role.STAFF, Role.LEADERSHIP):
            if self.federation_lookup is None:
                return self
            return self.filter(**{f"{self.federation_lookup}__in": federation_ids(profile)})
        if profile.role == Role.CHAIR:
            if self.union_lookup is None or profile.union_id is None:
                return self.none()
            scoped = self.filter(**{self.union_lookup: profile.union_id})
            # Only a lookup through a to-many relation can repeat rows (and DISTINCT
            # would forbid SELECT … FOR UPDATE on the common case).
            return scoped.distinct() if self._lookup_is_multi(self.union_lookup) else scoped
        if profile.role == Role.PARTY_VIEWER:
            return self.party_viewer_filter(profile)
        return self.none()

    def party_viewer_filter(self, profile: UserProfile) -> Self:
        return self.none()

    def _lookup_is_multi(self, lookup: str) -> bool:
        """True when `lookup` crosses a to-many relation (so one row can match twice)."""
        model = self.model
        for part in lookup.split("__"):
            if part == "pk":
                return False
            field = model._meta.get_field(part)
            if field.one_to_many or field.many_to_many:
                return True
            if not field.is_relation:
                return False
            model = field.related_model
        return False

    def search(self, text: str, field: str = "name_folded", also: tuple[str, ...] = ()) -> Self:
        """Accent- and case-insensitive search on a stored folded column.

        Every word must appear in `field` or in one of the `also` folded columns
        (which may follow forward relations, e.g. "enterprise__name_folded").
        """
        words = fold(text).split()
        condition = Q()
        for word in words:
            word_condition = Q(**{f"{field}__contains": word})
            for other in also:
                word_condition |= Q(**{f"{other}__contains": word})
            condition &= word_condition
        return self.filter(condition) if words else self

    def within(self, ids: list[int]) -> Self:
        """Rows of these federations only (a reader's view narrowed to one federation's subtree)."""
        if self.federation_lookup is None:
            return self
        return self.filter(**{f"{self.federation_lookup}__in": ids})

    def for_federation(self, federation):
        """Every row of `federation` (a row or its id), for work done for a federation rather than a user.

        The explicit path of an operator's run without a user (`manage.py export_report`) and of
        the federation totals a report counts; never a way to list a user's rows (`for_user`).
        `None` means every federation.
        """
        if federation is None or self.federation_lookup is None:
            return self
        return self.filter(**{self.federation_lookup: getattr(federation, "pk", federation)})


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data shared across federations (administrative units, Party organisations).

    Every signed-in user with a role may read it; only staff and administrators change it
    (checked by the views, not here).
    """

    def for_user(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or getattr(user, "profile", None) is not None:
            return self
        return self.none()


class PartyOrganizationQuerySet(ReferenceQuerySet):
    def in_reach_of(self, user, federation, keep: list[int] | None = None) -> Self:
        """The Party organisations a person of `federation` (the nomination's) is introduced to:
        those of its area (the area, every unit inside it and the units it lies in: a district's
        communes and its province's committee), those in the enterprises it holds that `user`
        may see, those placed nowhere, and `keep` (an organisation already chosen). Every one
        for a federation without an area (the national level): a district's form offered the
        nation's 5,400, and so did an administrator's."""
        if federation is None or federation.area_id is None:
            return self
        cache = _areas_around_cache(user)
        areas = cache.get(federation.area_id)
        if areas is None:
            areas = cache[federation.area_id] = area_around(federation.area_id)
        enterprises = (
            apps.get_model("unions", "Enterprise").objects.for_user(user).filter(federation=federation).values("pk")
        )
        condition = Q(area__in=areas) | Q(enterprise__in=enterprises) | Q(area__isnull=True, enterprise__isnull=True)
        if keep:
            condition |= Q(pk__in=keep)
        return self.filter(condition)


def _areas_around_cache(user) -> dict:
    """`area_around` read once a request for the page's forms (kept on the user, like `federation_ids`)."""
    cache = getattr(user, "_areas_around", None)
    if cache is None:
        cache = {}
        if user is not None:
            user._areas_around = cache
    return cache
