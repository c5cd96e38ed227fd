"""A class's results and certificates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.models import Status

from .. import services
from ..forms import (
    ResultFormSet,
)
from ..models import (
    Result,
)
from .common import (
    ClassActionView,
    _class_crumbs,
    _learners,
)


class ResultsView(ClassActionView):
    """Result, certificate number and date per learner; saved all or nothing."""

    template_name = "classes/results.html"

    def rows(self, data=None):
        learners = list(
            _learners(self.klass, self.request.user).annotate(
                present=Count("attendances", filter=Q(attendances__present=True))
            )
        )
        rows = []
        for number, enrollment in enumerate(learners, start=1):
            editable = enrollment.result == Result.PASSED or (
                enrollment.result == Result.PENDING and enrollment.nomination.status == Status.ENROLLED
            )
            initial = {
                "result": enrollment.result,
                "certificate_number": enrollment.certificate_number,
                "certificate_date": enrollment.certificate_date,
                "note": enrollment.result_note,
            }
            row = {"number": number, "enrollment": enrollment, "initial": initial, "editable": editable, "form": None}
            rows.append(row)
        # The rows that may still change are one formset; the others are shown, never read back.
        changeable = [row for row in rows if row["editable"]]
        formset = ResultFormSet(
            data,
            keys=[row["enrollment"].pk for row in changeable],
            prefix="r",
            initial=[row["initial"] for row in changeable],
        )
        for row, form in zip(changeable, formset.forms, strict=True):
            form.fields["certificate_date"].widget.format = "%d/%m/%Y"
            row["form"] = form
        return rows

    def render_page(self, rows, errors=(), status=200):
        context = {
            "klass": self.klass,
            "rows": rows,
            "sessions": self.klass.sessions.count(),
            "errors": list(errors),
            "results": Result.choices,
            "breadcrumbs": _class_crumbs(self.klass, (_("Kết quả và giấy chứng nhận"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(self.rows())

    def post(self, request, pk):
        rows = self.rows(request.POST)
        errors, inputs = [], []
        for row in rows:
            if not row["editable"]:
                continue
            form = row["form"]
            name = row["enrollment"].nomination.person.full_name
            if not form.is_valid():
                for field, field_errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    errors += [
                        _("Dòng %(r)s — %(n)s, cột “%(c)s”: %(e)s")
                        % {"r": row["number"], "n": name, "c": label, "e": e}
                        for e in field_errors
                    ]
                continue
            data = form.cleaned_data
            inputs.append(
                services.ResultInput(
                    enrollment_id=row["enrollment"].pk,
                    result=data["result"],
                    certificate_number=data["certificate_number"],
                    certificate_date=data["certificate_date"],
                    note=data["note"],
                    row=row["number"],
                )
            )
        if not errors:
            try:
                summary = services.record_results(self.klass, inputs, request.user)
            except ValidationError as exc:
                errors = exc.messages
        if errors:
            return self.render_page(rows, errors, status=400)
        messages.success(
            request,
            _(
                "Đã lưu kết quả: %(p)s học viên hoàn thành, %(n)s không hoàn thành, "
                "%(u)s dòng sửa giấy chứng nhận hoặc ghi chú."
            )
            % {"p": summary["passed"], "n": summary["not_completed"], "u": summary["updated"]},
        )
        return redirect(reverse("classes:results", args=[self.klass.pk]))
