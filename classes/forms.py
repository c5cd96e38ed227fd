"""Forms of the class pages: explicit fields, dd/mm/yyyy dates, Vietnamese messages."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tienlang.lib.formsets import keyed_formset
from tienlang.lib.text import clean_text
from tienlang.lib.versioning import VersionedFormMixin
from unions.models import Federation, GrassrootsUnion
from unions.permissions import user_federation

from .models import ClassSession, ClassStatus, Result, StipendPolicy, TrainingClass

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 20/03/2022.")}
REQUIRED = {"required": _("Trường này là bắt buộc.")}


def date_field(label, required=True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        error_messages={**REQUIRED, **DATE_ERRORS},
        **kwargs,
    )


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


class TrainingClassForm(VersionedFormMixin, forms.ModelForm):
    """Create or edit a class. The federation is the staff member's own, set by the server."""

    opens_on = date_field(_("Ngày khai giảng"))
    closes_on = date_field(_("Ngày bế giảng"))

    class Meta:
        model = TrainingClass
        fields = ["name", "year", "organiser", "opens_on", "closes_on", "venue", "capacity", "status", "note"]
        error_messages = {
            "name": REQUIRED,
            "year": REQUIRED,
            "venue": REQUIRED,
            "capacity": REQUIRED,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.federation = self.instance.federation if self.instance.pk else user_federation(user)
        if self.federation is None:
            # An administrator without a federation of their own chooses one.
            self.fields["federation"] = forms.ModelChoiceField(
                label=_("Liên đoàn lao động"), queryset=Federation.objects.for_user(user), error_messages=REQUIRED
            )
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        self.fields["capacity"].min_value = 1
        self.fields["year"].min_value = 2000
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True  # the version the form was opened with
        self.helper.layout = Layout(
            *(["federation"] if "federation" in self.fields else []),
            "name",
            Div(Div("year", css_class="col-md-3"), Div("status", css_class="col-md-4"), css_class="row"),
            "organiser",
            Div(
                Div("opens_on", css_class="col-md-4"),
                Div("closes_on", css_class="col-md-4"),
                Div("capacity", css_class="col-md-4"),
                css_class="row",
            ),
            "venue",
            "note",
            Submit("save", _("Lưu lớp học")),
        )

    def clean_name(self):
        return clean_text(self.cleaned_data["name"])

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Năm không hợp lệ."))
        return year

    def clean(self):
        data = super().clean()
        opens, closes, year = data.get("opens_on"), data.get("closes_on"), data.get("year")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                _("Ngày bế giảng (%(c)s) không được trước ngày khai giảng (%(o)s).")
                % {
                    "c": _fmt(closes),
                    "o": _fmt(opens),
                },
            )
        if opens and year and opens.year != year:
            self.add_error("opens_on", _("Ngày khai giảng phải thuộc năm %(y)s của lớp.") % {"y": year})
        capacity = data.get("capacity")
        taken = self.instance.enrollments.count() if self.instance.pk else 0
        if capacity is not None and capacity < taken:
            self.add_error(
                "capacity",
                _("Số học viên tối đa không thể nhỏ hơn số học viên đã ghi danh (%(n)s).") % {"n": taken},
            )
        if data.get("status") == ClassStatus.CANCELLED and taken:
            self.add_error(
                "status",
                _("Lớp đã có %(n)s học viên ghi danh; không thể hủy lớp. Hãy chuyển học viên hoặc rút hồ sơ trước.")
                % {"n": taken},
            )
        federation = data.get("federation") or self.federation
        name = data.get("name")
        if federation and name and year:
            clash = TrainingClass.objects.filter(federation=federation, year=year, name=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("Đã có lớp “%(n)s” trong năm %(y)s.") % {"n": name, "y": year})
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not instance.pk:
            instance.federation = self.cleaned_data.get("federation") or self.federation
        if commit:
            instance.save()
        return instance

    def validate_unique(self):
        # The (federation, year, name) rule is checked in clean() with a clearer message.
        pass


class ClassSessionForm(forms.ModelForm):
    date = date_field(_("Ngày học"))

    class Meta:
        model = ClassSession
        fields = ["date", "topic", "lecturer"]
        error_messages = {"topic": REQUIRED}

    def __init__(self, *args, training_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_class = training_class
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(Div("date", css_class="col-md-3"), Div("topic", css_class="col-md-6"), css_class="row"),
            Div(Div("lecturer", css_class="col-md-6"), css_class="row"),
            Submit("save", _("Thêm buổi học")),
        )

    def clean(self):
        data = super().clean()
        klass = self.training_class
        day, topic = data.get("date"), clean_text(data.get("topic"))
        if day and not klass.opens_on <= day <= klass.closes_on:
            self.add_error(
                "date",
                _("Ngày học phải trong thời gian mở lớp, từ %(a)s đến %(b)s.")
                % {"a": _fmt(klass.opens_on), "b": _fmt(klass.closes_on)},
            )
        if day and topic and klass.sessions.filter(date=day, topic=topic).exists():
            self.add_error("topic", _("Ngày %(d)s đã có buổi học với chuyên đề này.") % {"d": _fmt(day)})
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.training_class = self.training_class
        if commit:
            instance.save()
        return instance

    def validate_unique(self):
        pass


class StipendPolicyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = StipendPolicy
        fields = ["name", "amount", "funding_source", "from_year", "to_year", "basis", "note"]
        error_messages = {
            "name": REQUIRED,
            "amount": REQUIRED,
            "funding_source": REQUIRED,
            "from_year": REQUIRED,
            "to_year": REQUIRED,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation = self.instance.federation if self.instance.pk else user_federation(user)
        if self.federation is None:
            self.fields["federation"] = forms.ModelChoiceField(
                label=_("Liên đoàn lao động"), queryset=Federation.objects.for_user(user), error_messages=REQUIRED
            )
        self.fields["amount"].min_value = 1
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True  # the version the form was opened with
        self.helper.layout = Layout(
            *(["federation"] if "federation" in self.fields else []),
            "name",
            Div(Div("amount", css_class="col-md-4"), Div("funding_source", css_class="col-md-8"), css_class="row"),
            Div(Div("from_year", css_class="col-md-3"), Div("to_year", css_class="col-md-3"), css_class="row"),
            "basis",
            "note",
            Submit("save", _("Lưu chế độ hỗ trợ")),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("from_year"), data.get("to_year")
        if start and end and end < start:
            self.add_error(
                "to_year", _("Năm kết thúc (%(b)s) không được trước năm bắt đầu (%(a)s).") % {"a": start, "b": end}
            )
        if data.get("amount") is not None and data["amount"] < 1:
            self.add_error("amount", _("Mức hỗ trợ phải lớn hơn 0."))
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not instance.pk:
            instance.federation = self.cleaned_data.get("federation") or self.federation
        if commit:
            instance.save()
        return instance

    def validate_unique(self):
        pass


# --- grid rows (one small form per learner, prefixed by the enrollment id) -------------------


class AttendanceRowForm(forms.Form):
    present = forms.BooleanField(label=_("Có mặt"), required=False)
    reason = forms.CharField(label=_("Lý do vắng"), required=False, max_length=255)


class ResultRowForm(forms.Form):
    result = forms.ChoiceField(label=_("Kết quả"), choices=Result.choices)
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận"), required=False, max_length=40)
    certificate_date = forms.DateField(
        label=_("Ngày cấp"), required=False, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


# The grids: one row per learner (attendance, results) or per enterprise (commitments).
AttendanceFormSet = keyed_formset(AttendanceRowForm)
ResultFormSet = keyed_formset(ResultRowForm)


class EnrolFilterForm(forms.Form):
    """Which approved nominations the enrolment page lists."""

    union = forms.ModelChoiceField(label=_("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.none(), required=False)
    year = forms.IntegerField(label=_("Năm hồ sơ"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.for_user(user).order_by("code")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if hasattr(field, "queryset") else "form-control form-control-sm"
            )


class EnrolForm(forms.Form):
    on = date_field(_("Ngày ghi danh"))
    policy = forms.ModelChoiceField(
        label=_("Cam kết hỗ trợ theo chế độ"),
        queryset=StipendPolicy.objects.none(),
        required=False,
        empty_label=_("— Không cam kết lúc này —"),
    )

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies


class PaymentForm(forms.Form):
    """What to do with the chosen learners' stipends."""

    ACTION_CHOICES = [
        ("commit", _("Ghi cam kết hỗ trợ (chưa chi)")),
        ("pay", _("Đánh dấu đã chi (một phiếu chi)")),
        ("shirt", _("Ghi đã trao áo nhận diện công đoàn")),
    ]

    action = forms.ChoiceField(label=_("Việc cần ghi"), choices=ACTION_CHOICES, initial="pay")
    policy = forms.ModelChoiceField(
        label=_("Chế độ hỗ trợ"), queryset=StipendPolicy.objects.none(), required=False, error_messages=REQUIRED
    )
    voucher_number = forms.CharField(label=_("Số phiếu chi"), required=False, max_length=40)
    on = date_field(_("Ngày"), initial=timezone.localdate)

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies
        if policies.count() == 1:
            self.fields["policy"].initial = policies.first().pk

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("commit", "pay") and not data.get("policy"):
            self.add_error("policy", _("Cần chọn chế độ hỗ trợ."))
        if action == "pay" and not clean_text(data.get("voucher_number")):
            self.add_error("voucher_number", _("Cần ghi số phiếu chi."))
        day = data.get("on")
        if day and day > timezone.localdate():
            self.add_error("on", _("Ngày không được ở tương lai."))
        return data


class CancelPaymentForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=255, error_messages=REQUIRED)


class CommitmentRowForm(forms.Form):
    keeps_full_salary = forms.BooleanField(required=False)
    gives_time_off = forms.BooleanField(required=False)
    confirmed_on = forms.DateField(required=False, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS)
    note = forms.CharField(required=False, max_length=255)


CommitmentFormSet = keyed_formset(CommitmentRowForm)


class BudgetFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
