"""A session's attendance sheet."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from unions.permissions import (
    is_district_staff,
)

from .. import services
from ..forms import (
    AttendanceFormSet,
)
from ..models import (
    Attendance,
    ClassSession,
)
from .common import (
    ClassActionView,
    _class_crumbs,
    _learners,
    _messages_from,
)


class AttendanceView(ClassActionView):
    """The whole class × one session on one screen; saved all at once."""

    template_name = "classes/attendance.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_district_staff(request.user):
            self.session = get_object_or_404(
                ClassSession.objects.for_user(request.user).filter(training_class=kwargs["pk"]), pk=kwargs["session_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def rows(self, data=None):
        learners = list(_learners(self.klass, self.request.user))
        marks = {
            a.enrollment_id: a for a in Attendance.objects.for_user(self.request.user).filter(session=self.session)
        }
        initial = [
            {"present": mark.present, "reason": mark.absence_reason} if mark else {"present": True, "reason": ""}
            for mark in (marks.get(e.pk) for e in learners)
        ]
        formset = AttendanceFormSet(data, keys=[e.pk for e in learners], prefix="a", initial=initial)
        return [
            {"number": number, "enrollment": enrollment, "form": form, "mark": marks.get(enrollment.pk)}
            for number, (enrollment, form) in enumerate(zip(learners, formset.forms, strict=True), start=1)
        ]

    def render_page(self, rows, status=200):
        sessions = list(self.klass.sessions.order_by("date", "pk"))
        context = {
            "klass": self.klass,
            "session": self.session,
            "sessions": sessions,
            "rows": rows,
            "recorded": any(r["mark"] for r in rows),
            "stamp": services.attendance_stamp(self.session),
            "breadcrumbs": _class_crumbs(self.klass, (_("Điểm danh"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk, session_pk):
        return self.render_page(self.rows())

    def post(self, request, pk, session_pk):
        rows = self.rows(request.POST)
        errors = []
        for row in rows:
            if not row["form"].is_valid():
                name = row["enrollment"].nomination.person.full_name
                for field_errors in row["form"].errors.values():
                    errors += [
                        _("Dòng %(r)s — %(n)s: %(e)s") % {"r": row["number"], "n": name, "e": e} for e in field_errors
                    ]
        if errors:
            for error in errors:
                messages.error(request, error)
            return self.render_page(rows, status=400)
        marks = [
            services.Mark(r["enrollment"].pk, r["form"].cleaned_data["present"], r["form"].cleaned_data["reason"])
            for r in rows
        ]
        try:
            services.record_attendance(self.session, marks, request.user, expected_stamp=request.POST.get("stamp"))
        except ValidationError as exc:
            _messages_from(request, exc)
            return self.render_page(rows, status=400)
        present = sum(1 for m in marks if m.present)
        messages.success(
            request,
            _("Đã lưu điểm danh buổi %(d)s: %(p)s có mặt, %(a)s vắng.")
            % {"d": self.session.date.strftime("%d/%m/%Y"), "p": present, "a": len(marks) - present},
        )
        return redirect(reverse("classes:attendance", args=[self.klass.pk, self.session.pk]))
