"""Forms of the register: they validate and shape input; choices are limited to the user's scope."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tienlang.lib.text import clean_text, strip_invisible
from tienlang.lib.versioning import VersionedFormMixin, version_field

from .models import (
    AdministrativeUnit,
    CommitteeMember,
    Enterprise,
    Federation,
    GrassrootsUnion,
    PartyOrganization,
    WorkforceFigure,
)
from .permissions import get_profile, reorganisable_federations

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "autocomplete": "off"}


def _helper(submit_label=_("Lưu")) -> FormHelper:
    helper = FormHelper()
    helper.render_hidden_fields = True  # hidden fields left out of a layout are still sent
    helper.add_input(Submit("submit", submit_label))
    return helper


def _date_widgets(*names: str) -> dict[str, forms.DateInput]:
    return {name: forms.DateInput(attrs=DATE_ATTRS) for name in names}


class ClearNumbersMixin:
    """Django's Vietnamese "Nhập một số tổng thể." is misleading: say what is expected."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = _("Hãy nhập một số nguyên, ví dụ 120.")
                field.error_messages["min_value"] = _("Số không được nhỏ hơn %(limit_value)s.")


def _no_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class AreaForm(VersionedFormMixin, forms.ModelForm):
    """Rename a unit or correct its code (history of merges is kept separately)."""

    class Meta:
        model = AdministrativeUnit
        fields = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lưu")))


class AreaMergeForm(forms.Form):
    new = forms.ModelChoiceField(label=_("Sáp nhập vào"), queryset=AdministrativeUnit.objects.none())
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), initial=timezone.localdate)
    legal_basis = forms.CharField(
        label=_("Căn cứ"), max_length=255, required=False, help_text=_("Số, ngày nghị quyết hoặc quyết định.")
    )

    def __init__(self, *args, area: AdministrativeUnit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new"].queryset = (
            AdministrativeUnit.objects.for_user(user).active().filter(level=area.level).exclude(pk=area.pk)
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Sáp nhập"), css_class="btn-warning"))


class AreaRetireForm(forms.Form):
    retired_on = forms.DateField(label=_("Ngừng sử dụng từ ngày"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Ngừng sử dụng"), css_class="btn-danger"))


# ---------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------


def federations_for(user):
    """The federation a new row belongs to: the user's own; administrators without one choose."""
    profile = get_profile(user)
    if profile is not None:
        return Federation.objects.filter(pk=profile.federation_id)
    return Federation.objects.for_user(user).filter(retired_on__isnull=True)


class EnterpriseForm(VersionedFormMixin, ClearNumbersMixin, forms.ModelForm):
    """Create or edit an enterprise of the register (district staff)."""

    federation = forms.ModelChoiceField(label=_("Liên đoàn lao động"), queryset=Federation.objects.none())

    class Meta:
        model = Enterprise
        fields = [
            "federation",
            "name",
            "tax_code",
            "ownership",
            "industry",
            "commune",
            "address",
            "workers",
            "party_org_since",
            "is_pilot",
        ]
        widgets = _date_widgets("party_org_since")
        help_texts = {"workers": _("Tổng số lao động hiện tại của doanh nghiệp.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        federations = federations_for(user)
        if self.instance.pk or federations.count() == 1:
            # The federation of an existing row never changes here; a new row takes the user's.
            self.fields.pop("federation")
            if not self.instance.pk:
                self.instance.federation = federations.get()
        else:
            self.fields["federation"].queryset = federations
        self.fields["commune"].queryset = self._communes(user)
        self.fields["commune"].empty_label = _("— chọn xã/thị trấn —")
        self.helper = _helper()

    def _communes(self, user):
        """Active communes of the federation's district, plus the one already recorded."""
        all_communes = AdministrativeUnit.objects.for_user(user).filter(level=AdministrativeUnit.Level.COMMUNE)
        offered = all_communes.filter(retired_on__isnull=True)
        profile = get_profile(user)
        area_id = profile.federation.area_id if profile and profile.federation_id else None
        if area_id:
            offered = offered.filter(parent=area_id)
        current = self.instance.commune_id if self.instance.pk else None
        return (offered | all_communes.filter(pk=current)).order_by("name", "pk")

    def clean_tax_code(self):
        return "".join(strip_invisible(self.cleaned_data["tax_code"]).split())

    def clean_party_org_since(self):
        return _no_future(self.cleaned_data.get("party_org_since"), _("Ngày có tổ chức Đảng không được ở tương lai."))


# ---------------------------------------------------------------------------------------
# Grassroots unions
# ---------------------------------------------------------------------------------------


class UnionCodeMixin:
    def clean_code(self):
        return "".join(strip_invisible(self.cleaned_data["code"]).split()).upper()

    def clean_founded_on(self):
        return _no_future(self.cleaned_data.get("founded_on"), _("Ngày thành lập không được ở tương lai."))


class UnionCreateForm(ClearNumbersMixin, UnionCodeMixin, forms.ModelForm):
    """A new grassroots union for an enterprise that has none yet (district staff)."""

    class Meta:
        model = GrassrootsUnion
        fields = ["enterprise", "code", "name", "members", "founded_on"]
        widgets = _date_widgets("founded_on")
        help_texts = {"code": _("Chữ in hoa không dấu, số và dấu gạch ngang, ví dụ CD-PHUCTHUAN.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (
            Enterprise.objects.for_user(user).filter(unions__isnull=True).select_related("commune")
        )
        self.fields["enterprise"].empty_label = _("— chọn doanh nghiệp chưa có công đoàn —")
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise")
        if enterprise is not None:
            # The union belongs to its enterprise's federation, whatever the browser sent.
            self.instance.federation = enterprise.federation
        return cleaned


class UnionStaffForm(VersionedFormMixin, ClearNumbersMixin, UnionCodeMixin, forms.ModelForm):
    """District staff correct a union's code, name, member count and founding date."""

    class Meta:
        model = GrassrootsUnion
        fields = ["code", "name", "members", "founded_on"]
        widgets = _date_widgets("founded_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class UnionChairForm(VersionedFormMixin, ClearNumbersMixin, UnionCodeMixin, forms.ModelForm):
    """A chair keeps their own union's member count and founding date up to date."""

    class Meta:
        model = GrassrootsUnion
        fields = ["members", "founded_on"]
        widgets = _date_widgets("founded_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CommitteeMemberForm(VersionedFormMixin, forms.ModelForm):
    """One member of the union's executive committee (BCH)."""

    class Meta:
        model = CommitteeMember
        fields = ["full_name", "sex", "position", "term_start", "term_end", "is_party_member", "volunteered"]
        widgets = _date_widgets("term_start", "term_end")

    def __init__(self, *args, union: GrassrootsUnion, **kwargs):
        super().__init__(*args, **kwargs)
        # The union comes from the URL (already scoped), never from the submitted data.
        self.instance.union = union
        self.union = union
        if not self.instance.pk:
            # Most new members join the committee's current term: offer its dates.
            latest = union.committee.order_by("-term_start").first()
            if latest is not None:
                self.fields["term_start"].initial = latest.term_start
                self.fields["term_end"].initial = latest.term_end
        self.helper = _helper()
        self.helper.layout = Layout(
            Div(
                Div(Field("full_name"), css_class="col-md-8"), Div(Field("sex"), css_class="col-md-4"), css_class="row"
            ),
            Field("position"),
            Div(Div(Field("term_start"), css_class="col"), Div(Field("term_end"), css_class="col"), css_class="row"),
            HTML("<hr>"),
            Field("is_party_member"),
            Field("volunteered"),
        )

    def clean_full_name(self):
        return clean_text(self.cleaned_data["full_name"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error(
                "term_end", _("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu (%(d)s).") % {"d": f"{start:%d/%m/%Y}"}
            )
        if cleaned.get("is_party_member") and cleaned.get("volunteered"):
            self.add_error(
                "volunteered",
                _("Đồng chí đã là đảng viên thì không đăng ký học lớp bồi dưỡng nhận thức về Đảng."),
            )
        if cleaned.get("position") == CommitteeMember.Position.CHAIR and start:
            other_chairs = CommitteeMember.objects.filter(
                union=self.union, position=CommitteeMember.Position.CHAIR, term_start=start
            ).exclude(pk=self.instance.pk)
            if other_chairs.exists():
                self.add_error(
                    "position",
                    _("Nhiệm kỳ bắt đầu %(d)s đã có chủ tịch: %(name)s.")
                    % {"d": f"{start:%d/%m/%Y}", "name": other_chairs.first().full_name},
                )
        return cleaned


# ---------------------------------------------------------------------------------------
# Yearly workforce figures
# ---------------------------------------------------------------------------------------


class WorkforceFigureForm(VersionedFormMixin, ClearNumbersMixin, forms.ModelForm):
    """One year's workers, union members and Party members of an enterprise."""

    class Meta:
        model = WorkforceFigure
        fields = ["year", "workers", "union_members", "party_members"]

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        self.enterprise = enterprise
        self.fields["year"].error_messages.update(
            min_value=_("Năm phải từ %(limit_value)s trở đi."), max_value=_("Năm phải không quá %(limit_value)s.")
        )
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        workers = cleaned.get("workers")
        members = cleaned.get("union_members")
        party = cleaned.get("party_members")
        if workers is not None and members is not None and members > workers:
            self.add_error(
                "union_members",
                _("Số đoàn viên (%(m)s) không được lớn hơn số lao động (%(w)s).") % {"m": members, "w": workers},
            )
        if members is not None and party is not None and party > members:
            self.add_error(
                "party_members",
                _("Số đảng viên (%(p)s) không được lớn hơn số đoàn viên (%(m)s).") % {"p": party, "m": members},
            )
        year = cleaned.get("year")
        if year is not None:
            taken = WorkforceFigure.objects.filter(enterprise=self.enterprise, year=year).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("year", _("Doanh nghiệp đã có số liệu năm %(y)s; hãy sửa dòng đó.") % {"y": year})
        return cleaned


# ---------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Dùng tệp mẫu; tối đa 10 MB. Chưa có gì được lưu cho đến khi đồng chí xác nhận."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    federation = forms.ModelChoiceField(label=_("Liên đoàn lao động"), queryset=Federation.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        federations = federations_for(user)
        if federations.count() == 1:
            self.fields.pop("federation")
            self.federation = federations.get()
        else:
            self.fields["federation"].queryset = federations
            self.federation = None
        self.helper = _helper(_("Tải lên và kiểm tra"))

    def clean(self):
        cleaned = super().clean()
        if self.federation is None:
            self.federation = cleaned.get("federation")
        return cleaned


# ---------------------------------------------------------------------------------------
# Reorganisations of the tree
# ---------------------------------------------------------------------------------------


class ReorganisationCreateForm(forms.Form):
    """Which federation (or Party organisation) ends, on which day, and who takes over."""

    source_federation = forms.ModelChoiceField(
        label=_("Liên đoàn kết thúc hoạt động"), queryset=Federation.objects.none(), required=False
    )
    source_party = forms.ModelChoiceField(
        label=_("Hoặc tổ chức Đảng kết thúc hoạt động"), queryset=PartyOrganization.objects.none(), required=False
    )
    effective_on = forms.DateField(label=_("Ngày kết thúc hoạt động"), widget=forms.DateInput(attrs=DATE_ATTRS))
    target_federations = forms.ModelMultipleChoiceField(
        label=_("Liên đoàn tiếp nhận"), queryset=Federation.objects.none(), required=False
    )
    target_parties = forms.ModelMultipleChoiceField(
        label=_("Tổ chức Đảng tiếp nhận"), queryset=PartyOrganization.objects.none(), required=False
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ"), max_length=255, required=False, help_text=_("Số, ngày nghị quyết hoặc quyết định.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        federations = reorganisable_federations(user).filter(retired_on__isnull=True).order_by("name")
        parties = PartyOrganization.objects.for_user(user).filter(retired_on__isnull=True).order_by("kind", "name")
        self.fields["source_federation"].queryset = federations
        self.fields["target_federations"].queryset = federations
        self.fields["source_party"].queryset = parties
        self.fields["target_parties"].queryset = parties
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lập phương án")))

    def clean(self):
        data = super().clean()
        federation, party = data.get("source_federation"), data.get("source_party")
        if bool(federation) == bool(party):
            raise forms.ValidationError(
                _("Chọn đúng một tổ chức kết thúc hoạt động: một liên đoàn hoặc một tổ chức Đảng.")
            )
        if federation and not data.get("target_federations"):
            self.add_error("target_federations", _("Chọn ít nhất một liên đoàn tiếp nhận."))
        if party and not data.get("target_parties"):
            self.add_error("target_parties", _("Chọn ít nhất một tổ chức Đảng tiếp nhận."))
        return data


class ReorganisationMappingForm(forms.Form):
    """One choice per union (or lower Party organisation): where it goes; the proposal is preselected."""

    def __init__(self, *args, reorganisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.reorganisation = reorganisation
        targets = list(reorganisation.targets())
        choices = [("", _("— chưa chọn —"))] + [(str(t.pk), str(t)) for t in targets]
        self.items = list(
            reorganisation.items.select_related(
                "union__enterprise__commune",
                "enterprise__commune",
                "party_organization__area",
                "target_federation",
                "target_party",
            )
        )
        for item in self.items:
            if item.union_id:
                where = item.union.enterprise.commune
            elif item.enterprise_id:
                where = item.enterprise.commune
            else:
                where = item.party_organization.area
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.member} ({where or '—'})",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(item.target.pk) if item.target else "",
            )
        self.fields["version"] = version_field(initial=reorganisation.version)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lưu phương án")))

    def mapping(self) -> dict[int, int | None]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}
