"""The one scoping mechanism: every scoped model's manager has `for_user(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from tienlang.lib.text import fold
from tienlang.lib.versioning import FIELD, is_versioned

from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import UserProfile


class ScopedQuerySet(models.QuerySet):
    """Rows `user` may see.

    - administrators (superusers): everything;
    - district staff and leadership: everything in their federation;
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
            return self.filter(**{self.federation_lookup: profile.federation_id})
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
