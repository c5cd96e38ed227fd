"""A small database-backed queue: one row per piece of background work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    """Work a user asked for (a large Excel export), its progress and, when done, its file.

    Only the user who asked sees the job and its file (the file may hold personal data);
    finished jobs are deleted after `JOB_KEEP_HOURS`.
    """

    kind = models.CharField(_("loại"), max_length=40)
    label = models.CharField(_("nội dung"), max_length=255)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("trạng thái"), max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    result = models.BinaryField(_("tệp kết quả"), null=True, editable=False)
    result_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    # Work that makes no file (saving an upload) ends with a message and a page to go to.
    message = models.CharField(_("kết quả"), max_length=500, blank=True)
    result_url = models.CharField(_("trang kết quả"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    # A running job's worker writes this every JOB_HEARTBEAT_SECONDS; a job that has not
    # written it for JOB_DEAD_AFTER_SECONDS lost its process (jobs.runner.fail_dead_jobs).
    heartbeat_at = models.DateTimeField(_("tín hiệu gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="jobs_job_state_created"),
            models.Index(fields=["user", "-created_at"], name="jobs_job_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int | None:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return None
        return min(99, int(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
