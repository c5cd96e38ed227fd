from django.contrib import admin

from unions.admin import ScopedAdmin

from .models import AdmissionRule, CalendarDay, DossierItem, DossierItemType, ResidenceCommentRequest


@admin.register(AdmissionRule)
class AdmissionRuleAdmin(ScopedAdmin):
    list_display = ["code", "name", "legal_basis", "valid_from", "valid_to"]
    list_filter = ["code"]
    search_fields = ["name", "legal_basis"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    list_display = ["date", "kind", "name", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"


@admin.register(DossierItemType)
class DossierItemTypeAdmin(ScopedAdmin):
    list_display = ["order", "name", "step", "goes_stale", "residence_only", "legal_basis"]
    list_display_links = ["name"]


@admin.register(DossierItem)
class DossierItemAdmin(ScopedAdmin):
    list_display = ["nomination", "item_type", "status", "received_on", "recorded_by"]
    list_filter = ["status", "item_type"]
    list_select_related = ["nomination__person", "item_type", "recorded_by"]
    readonly_fields = ["attachment_name", "attachment_type", "recorded_by", "recorded_at", "version"]
    raw_id_fields = ["nomination"]


@admin.register(ResidenceCommentRequest)
class ResidenceCommentRequestAdmin(ScopedAdmin):
    list_display = ["nomination", "addressee", "sent_on", "channel", "replied_on", "outcome"]
    list_filter = ["channel", "outcome"]
    list_select_related = ["nomination__person", "organization"]
    readonly_fields = ["attachment_name", "attachment_type", "recorded_by", "recorded_at"]
    raw_id_fields = ["nomination", "organization"]
