from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "label", "user", "state", "done", "total", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["user"]
    readonly_fields = ["kind", "label", "params", "user", "state", "done", "total", "error", "result_name"]
    exclude = ["result"]
    search_fields = ["label", "user__username"]
