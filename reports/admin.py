from django.contrib import admin

from unions.admin import ScopedAdmin

from .models import DocumentType, IssuedReport, RegisterCounter, YearlyAggregate


@admin.register(DocumentType)
class DocumentTypeAdmin(ScopedAdmin):
    list_display = ["code", "name", "report_kinds"]
    search_fields = ["code", "name"]


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ScopedAdmin):
    """Where a federation's register stands; an administrator may set where a new year starts."""

    list_display = ["federation", "year", "document_type", "last_number"]
    list_filter = ["year", "document_type"]
    autocomplete_fields = ["federation"]


@admin.register(YearlyAggregate)
class YearlyAggregateAdmin(ScopedAdmin):
    list_display = ["federation", "start_year", "end_year", "introduced", "admitted", "source"]
    list_filter = ["federation"]


@admin.register(IssuedReport)
class IssuedReportAdmin(ScopedAdmin):
    """The register as it stands: read-only, since an issued report never changes."""

    list_display = ["reference", "issued_on", "title", "signer_name", "federation", "sha256"]
    list_filter = ["register_year", "document_type", "report_kind"]
    search_fields = ["reference", "title", "sha256"]
    list_select_related = ["federation", "document_type"]
    exclude = ["content", "person_ids"]
    readonly_fields = [
        "federation",
        "document_type",
        "register_year",
        "number",
        "reference",
        "report_kind",
        "report_year",
        "title",
        "issued_on",
        "signer_title",
        "signer_name",
        "recipients",
        "addressed_to",
        "sha256",
        "size",
        "disclosed_fields",
        "issued_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
