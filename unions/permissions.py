"""Who may do what. Views, forms, exports and the admin reach data only through these.

Reading is scoped by each model's `for_user(user)` (see `unions.querysets`); these
helpers decide the few role questions that scoping alone does not answer.
"""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from .models import Federation, Role, UserProfile
from .querysets import federation_ids

# The administrator (a superuser) is not a profile role; `user_role` names it with this constant.
ADMIN = "admin"

# Role sets the views name in `RoleRequiredMixin.roles`.
STAFF_ROLES = frozenset({ADMIN, Role.STAFF})
READER_ROLES = frozenset({ADMIN, Role.STAFF, Role.LEADERSHIP})
REGISTER_ROLES = READER_ROLES | {Role.CHAIR}
ALL_ROLES = REGISTER_ROLES | {Role.PARTY_VIEWER}


def get_profile(user) -> UserProfile | None:
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def user_role(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    profile = get_profile(user)
    return profile.role if profile else None


def is_district_staff(user) -> bool:
    """Staff who keep the register and move nominations (superusers included)."""
    return user_role(user) in STAFF_ROLES


def is_federation_reader(user) -> bool:
    """Staff and leadership: read everything in the federation."""
    return user_role(user) in READER_ROLES


def is_chair(user) -> bool:
    return user_role(user) == Role.CHAIR


def user_union_id(user) -> int | None:
    profile = get_profile(user)
    return profile.union_id if profile and profile.role == Role.CHAIR else None


def user_federation(user) -> Federation | None:
    profile = get_profile(user)
    return profile.federation if profile else None


def may_edit_register(user) -> bool:
    """Enterprises, union creation, yearly figures and imports: district staff only."""
    return is_district_staff(user)


def may_edit_union(user, union) -> bool:
    """A union's own details and committee: district staff, or that union's chair."""
    return is_district_staff(user) or (is_chair(user) and user_union_id(user) == union.pk)


class RoleRequiredMixin(AccessMixin):
    """CBV mixin: 403 unless the user's role is in `roles` (anonymous users go to login).

    `roles` is a set of `Role` values and `ADMIN`; a view with a rule no role set can say
    overrides `test_role(user)` instead.
    """

    roles: frozenset[str] = frozenset()

    def test_role(self, user) -> bool:
        return user_role(user) in self.roles

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.test_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(RoleRequiredMixin):
    """District staff (and administrators): may change the register."""

    roles = STAFF_ROLES


class FederationReaderRequiredMixin(RoleRequiredMixin):
    """Staff and leadership: may read the whole federation's register."""

    roles = READER_ROLES


class ScopedQuerysetMixin:
    """CBV mixin: the view's queryset is the model's `for_user(request.user)`.

    Objects outside the user's scope are therefore 404 in `get_object()`.
    """

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


def scope_form_fields(form, user) -> None:
    """Limit every related-object choice of `form` to what `user` may see."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user)


def check_in_scope(queryset, obj, user) -> None:
    """Re-check after a write (inside the same transaction) that `obj` is still visible."""
    if not queryset.for_user(user).filter(pk=obj.pk).exists():
        raise PermissionDenied


def sees_other_federations(user) -> bool:
    """An administrator, or staff or leadership whose scope holds federations besides their own.

    No query of its own once the request has scoped anything (the subtree is cached): the menu's
    test. What may be changed is `may_reorganise`'s stricter question.
    """
    role = user_role(user)
    if role == ADMIN:
        return True
    return role in (Role.STAFF, Role.LEADERSHIP) and len(federation_ids(get_profile(user))) > 1


def is_upper_level(user) -> bool:
    """An administrator, or staff or leadership of a federation with federations below it."""
    role = user_role(user)
    if role == ADMIN:
        return True
    if role not in (Role.STAFF, Role.LEADERSHIP):
        return False
    # Federations below by the tree itself (an ended federation's successors are not below it).
    return Federation.objects.filter(parent_id=get_profile(user).federation_id).exists()


def may_reorganise(user) -> bool:
    """Record, apply and undo reorganisations: staff of an upper-level federation, or an administrator."""
    return is_upper_level(user) and user_role(user) in STAFF_ROLES


def reorganisable_federations(user):
    """Federations `user` may end or hand unions to: those below their own (every one for an administrator)."""
    federations = Federation.objects.for_user(user)
    if user_role(user) == ADMIN:
        return federations
    profile = get_profile(user)
    return federations.filter(pk__in=federation_ids(profile)).exclude(pk=profile.federation_id)


class UpperLevelRequiredMixin(RoleRequiredMixin):
    """Staff and leadership whose scope holds other federations (and administrators): read reorganisations."""

    def test_role(self, user) -> bool:
        return sees_other_federations(user)


class ReorganiserRequiredMixin(RoleRequiredMixin):
    """Staff of an upper-level federation (and administrators): may change the tree."""

    def test_role(self, user) -> bool:
        return may_reorganise(user)
