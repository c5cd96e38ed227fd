from django.contrib import admin

from unions.admin import ScopedAdmin

from .models import (
    AnonymisationLog,
    Consent,
    DataSubjectRequest,
    EligibilityRule,
    Introduction,
    Nomination,
    NominationEvent,
    NominationImport,
    Person,
)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["full_name", "date_of_birth", "sex", "union", "lives_in_district", "is_party_member"]
    list_filter = ["sex", "lives_in_district", "is_party_member", "processing_restricted", "legal_basis", "federation"]
    list_select_related = ["union"]
    search_fields = ["full_name", "name_folded", "=citizen_id"]
    autocomplete_fields = ["union", "federation"]
    # Restriction and anonymisation go through candidates.privacy (recorded, checked), not the admin form.
    readonly_fields = [
        "lives_in_district",
        "processing_restricted",
        "restricted_on",
        "restriction_reason",
        "anonymised_at",
        "created_at",
        "updated_at",
    ]


class EventInline(admin.TabularInline):
    model = NominationEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "happened_on",
        "recorded_by",
        "recorded_at",
        "reason",
        "is_correction",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        # History is written by the workflow only, never typed in.
        return False


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    list_display = ["person", "union", "year", "status", "stage", "in_district", "nominated_on"]
    list_filter = ["year", "status", "in_district", "federation"]
    list_select_related = ["person", "union"]
    search_fields = ["person__full_name", "person__name_folded", "=person__citizen_id", "union__code"]
    autocomplete_fields = ["person", "union", "federation"]
    readonly_fields = ["status", "stage", "version", "created_by", "created_at", "updated_at", "source_import"]
    inlines = [EventInline]


@admin.register(Introduction)
class IntroductionAdmin(ScopedAdmin):
    list_display = ["nomination", "resolution_number", "resolution_date", "receiving_organization"]
    list_select_related = ["nomination__person", "receiving_organization"]
    search_fields = ["resolution_number", "nomination__person__full_name"]
    autocomplete_fields = ["receiving_organization"]
    raw_id_fields = ["nomination"]


@admin.register(NominationImport)
class NominationImportAdmin(ScopedAdmin):
    list_display = ["file_name", "union", "year", "state", "rows_total", "rows_saved", "uploaded_by", "uploaded_at"]
    list_filter = ["state", "year"]
    list_select_related = ["union", "uploaded_by"]
    search_fields = ["file_name", "sha256"]
    exclude = ["content"]
    readonly_fields = ["sha256", "rows_total", "rows_saved", "uploaded_by", "uploaded_at"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(ScopedAdmin):
    list_display = ["code", "name", "legal_basis", "valid_from", "valid_to"]
    list_filter = ["code"]
    search_fields = ["name", "legal_basis"]


@admin.register(Consent)
class ConsentAdmin(ScopedAdmin):
    list_display = ["person", "purpose", "given_on", "withdrawn_on", "recorded_by"]
    list_filter = ["given_on", ("withdrawn_on", admin.EmptyFieldListFilter)]
    list_select_related = ["person", "recorded_by"]
    search_fields = ["person__name_folded", "=person__citizen_id", "purpose"]
    raw_id_fields = ["person"]
    readonly_fields = ["recorded_by", "recorded_at", "withdrawn_recorded_by"]


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ScopedAdmin):
    list_display = ["person", "kind", "received_on", "due_on", "status", "handled_by", "closed_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["person", "handled_by"]
    search_fields = ["person__name_folded", "=person__citizen_id"]
    raw_id_fields = ["person"]
    readonly_fields = ["due_on", "recorded_by", "created_at", "updated_at"]


@admin.register(AnonymisationLog)
class AnonymisationLogAdmin(ScopedAdmin):
    """The record of what was removed: read-only, written by candidates.privacy only."""

    list_display = ["person", "at", "by", "rule"]
    list_select_related = ["person", "by"]
    readonly_fields = ["person", "at", "by", "rule", "fields", "rows"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
