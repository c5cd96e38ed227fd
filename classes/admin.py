from django.contrib import admin

from unions.admin import ScopedAdmin

from .models import (
    Attendance,
    ClassSession,
    EmployerCommitment,
    Enrollment,
    LearnerSupport,
    StipendPayment,
    StipendPolicy,
    TrainingClass,
)


class SessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0
    fields = ["date", "topic", "lecturer"]


@admin.register(TrainingClass)
class TrainingClassAdmin(ScopedAdmin):
    list_display = ["name", "year", "opens_on", "closes_on", "capacity", "status", "federation"]
    list_filter = ["year", "status", "federation"]
    search_fields = ["name", "venue"]
    autocomplete_fields = ["federation"]
    inlines = [SessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ["nomination", "training_class", "result", "certificate_number", "certificate_date"]
    list_filter = ["result", "training_class__year"]
    list_select_related = ["nomination__person", "training_class"]
    search_fields = ["nomination__person__full_name", "nomination__person__name_folded", "certificate_number"]
    raw_id_fields = ["nomination"]
    autocomplete_fields = ["training_class"]
    # Results move the nomination along its path: they are recorded on the results page.
    readonly_fields = ["result", "certificate_number", "certificate_date", "result_recorded_at", "enrolled_by"]


@admin.register(Attendance)
class AttendanceAdmin(ScopedAdmin):
    list_display = ["session", "enrollment", "present", "absence_reason", "recorded_at"]
    list_filter = ["present"]
    list_select_related = ["session", "enrollment__nomination__person", "enrollment__training_class"]
    raw_id_fields = ["enrollment", "session"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(StipendPolicy)
class StipendPolicyAdmin(ScopedAdmin):
    list_display = ["name", "amount", "funding_source", "from_year", "to_year", "federation"]
    list_filter = ["funding_source", "federation"]
    search_fields = ["name", "funding_source"]
    autocomplete_fields = ["federation"]


@admin.register(StipendPayment)
class StipendPaymentAdmin(ScopedAdmin):
    list_display = ["enrollment", "policy", "amount", "status", "paid_on", "voucher_number"]
    list_filter = ["status", "policy", "enrollment__training_class__year"]
    list_select_related = ["enrollment__nomination__person", "enrollment__training_class", "policy"]
    search_fields = ["voucher_number", "enrollment__nomination__person__full_name"]
    raw_id_fields = ["enrollment"]
    readonly_fields = ["paid_by", "recorded_by", "created_at", "updated_at"]


@admin.register(LearnerSupport)
class LearnerSupportAdmin(ScopedAdmin):
    list_display = ["enrollment", "kind", "given_on"]
    list_filter = ["kind"]
    list_select_related = ["enrollment__nomination__person", "enrollment__training_class"]
    raw_id_fields = ["enrollment"]


@admin.register(EmployerCommitment)
class EmployerCommitmentAdmin(ScopedAdmin):
    list_display = ["enterprise", "training_class", "keeps_full_salary", "gives_time_off", "confirmed_on"]
    list_filter = ["keeps_full_salary", "gives_time_off"]
    list_select_related = ["enterprise", "training_class"]
    raw_id_fields = ["enterprise"]
    autocomplete_fields = ["training_class"]
