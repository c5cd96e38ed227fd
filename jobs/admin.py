from django.contrib import admin

from .models import Job
from .runner import fail_dead_jobs


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "label", "user", "state", "done", "total", "created_at", "heartbeat_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["user"]
    readonly_fields = [
        "kind",
        "label",
        "params",
        "user",
        "state",
        "done",
        "total",
        "error",
        "result_name",
        "heartbeat_at",
    ]
    exclude = ["result"]
    search_fields = ["label", "user__username"]

    def changelist_view(self, request, extra_context=None):
        fail_dead_jobs()  # jobs whose process died show as failed, not running
        return super().changelist_view(request, extra_context)
