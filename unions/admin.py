from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tienlang.lib.versioning import VersionedAdminMixin

from .models import (
    AdministrativeUnit,
    AreaMerge,
    CommitteeMember,
    EnrolmentCode,
    Enterprise,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    Reorganisation,
    ReorganisationItem,
    UnionAffiliation,
    UserProfile,
    WorkforceFigure,
)
from .twofactor import issue_enrolment_code


class ScopedAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Admin pages read through the same `for_user` scoping as every other page.

    Change forms of versioned records refuse a save over someone else's change (`VersionedAdminMixin`).
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "for_user"):
            field.queryset = field.queryset.for_user(request.user)
        return field


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ["name", "level", "parent", "retired_on", "merged_into"]
    list_filter = ["level", ("retired_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_folded", "code"]
    list_select_related = ["parent", "merged_into"]
    autocomplete_fields = ["parent", "merged_into"]


@admin.register(AreaMerge)
class AreaMergeAdmin(ScopedAdmin):
    list_display = ["old", "new", "effective_on", "legal_basis", "moved_enterprises", "recorded_by"]
    list_select_related = ["old", "new", "recorded_by"]
    search_fields = ["old__name", "new__name", "legal_basis"]
    autocomplete_fields = ["old", "new"]
    readonly_fields = ["recorded_by", "recorded_at", "moved_enterprises"]


class ReadOnlyAdmin(ScopedAdmin):
    """A record that only its operation writes (`unions.reorganisations`): shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReorganisationItemInline(admin.TabularInline):
    model = ReorganisationItem
    fields = ["union", "enterprise", "party_organization", "target_federation", "target_party", "proposed"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdmin):
    list_display = ["source_federation", "source_party", "effective_on", "state", "applied_by", "applied_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["source_federation", "source_party", "applied_by"]
    inlines = [ReorganisationItemInline]


@admin.register(UnionAffiliation)
class UnionAffiliationAdmin(ReadOnlyAdmin):
    list_display = ["union", "federation", "valid_from", "valid_until", "reorganisation"]
    list_select_related = ["union", "federation", "reorganisation"]
    search_fields = ["union__name", "union__code", "federation__name"]


@admin.register(Federation)
class FederationAdmin(ScopedAdmin):
    list_display = ["name", "parent", "area", "place_name", "signer_name", "retired_on"]
    list_select_related = ["parent", "area"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "area", "merged_into"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "parent", "area", "enterprise", "retired_on"]
    list_filter = ["kind", ("retired_on", admin.EmptyFieldListFilter)]
    list_select_related = ["parent", "area", "enterprise"]
    search_fields = ["name", "name_folded"]
    autocomplete_fields = ["parent", "area", "enterprise", "merged_into"]


class UnionInline(admin.TabularInline):
    model = GrassrootsUnion
    extra = 0
    fields = ["code", "name", "members", "founded_on"]
    show_change_link = True


class FigureInline(admin.TabularInline):
    model = WorkforceFigure
    extra = 0
    fields = ["year", "workers", "union_members", "party_members"]


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ["full_name", "sex", "position", "term_start", "term_end", "is_party_member", "volunteered"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ["name", "tax_code", "ownership", "industry", "commune", "workers", "party_org_since", "is_pilot"]
    list_filter = [
        "ownership",
        "is_pilot",
        ("party_org_since", admin.EmptyFieldListFilter),
        "industry",
        "federation",
    ]
    list_select_related = ["commune", "federation"]
    search_fields = ["name", "name_folded", "tax_code"]
    autocomplete_fields = ["commune", "federation"]
    inlines = [UnionInline, FigureInline]


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(ScopedAdmin):
    list_display = ["code", "name", "enterprise", "members", "founded_on", "federation"]
    list_select_related = ["enterprise", "federation"]
    list_filter = ["federation", "enterprise__ownership", "enterprise__is_pilot"]
    search_fields = ["code", "name", "name_folded", "enterprise__name", "enterprise__tax_code"]
    autocomplete_fields = ["enterprise", "federation"]
    inlines = [CommitteeInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ScopedAdmin):
    list_display = ["full_name", "position", "union", "term_start", "term_end", "is_party_member", "volunteered"]
    list_filter = ["position", "is_party_member", "volunteered", "sex", "union__enterprise__is_pilot"]
    list_select_related = ["union"]
    search_fields = ["full_name", "full_name_folded", "union__code", "union__name"]
    autocomplete_fields = ["union"]


@admin.register(WorkforceFigure)
class WorkforceFigureAdmin(ScopedAdmin):
    list_display = ["enterprise", "year", "workers", "union_members", "party_members"]
    list_filter = ["year", "enterprise__ownership", "enterprise__is_pilot"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__name_folded", "enterprise__tax_code"]
    autocomplete_fields = ["enterprise"]


@admin.register(UserProfile)
class UserProfileAdmin(ScopedAdmin):
    list_display = ["user", "role", "federation", "union", "party_organization"]
    list_filter = ["role", "federation"]
    list_select_related = ["user", "federation", "union", "party_organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "union__code"]
    autocomplete_fields = ["user", "federation", "union", "party_organization"]


class ProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ["federation", "union", "party_organization"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TienLangUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_superuser", "two_factor", "last_login"]
    list_select_related = ["profile"]
    actions = ["issue_enrolment_codes"]

    def get_queryset(self, request):
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(devices))

    @admin.display(description=_("Ứng dụng xác thực"), boolean=True, ordering="has_authenticator")
    def two_factor(self, user):
        return user.has_authenticator

    @admin.action(description=_("Cấp mã đăng ký xác thực hai bước"), permissions=["change"])
    def issue_enrolment_codes(self, request, queryset):
        """New enrolment codes for the chosen active users, shown once on the answer page."""
        issued = [
            (user, issue_enrolment_code(user, issued_by=request.user, request=request))
            for user in queryset.filter(is_active=True).order_by("username")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mã đăng ký xác thực hai bước"),
            "opts": self.model._meta,
            "issued": issued,
            "skipped": queryset.filter(is_active=False).count(),
            "expires_at": timezone.now() + datetime.timedelta(hours=settings.ENROLMENT_CODE_HOURS),
        }
        return TemplateResponse(request, "admin/unions/enrolment_codes_issued.html", context)


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    """Who was issued which enrolment code by whom, and what became of it (never the code itself)."""

    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at", "attempts", "revoked_at", "state"]
    list_select_related = ["user", "issued_by"]
    list_filter = [("used_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "issued_by__username"]
    fields = ["user", "issued_by", "issued_at", "expires_at", "used_at", "attempts", "revoked_at"]

    @admin.display(description=_("trạng thái"))
    def state(self, record):
        return record.state

    def has_add_permission(self, request):
        return False  # codes are issued from the users' list or `manage.py issue_enrolment_code`

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
