"""EP-1 page forms. Validation itself is the service's (``employee_create``); these only shape the input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import PostType, Zone
from sibao.epidemic.selectors import enterprises_for_employees


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class _EnterpriseChoice(forms.Form):
    """Officials choose one enterprise in their area; an enterprise user works on its own (no field)."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), empty_label=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role == Role.ENTERPRISE:
            del self.fields["enterprise"]
        else:
            field = self.fields["enterprise"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = enterprises_for_employees(user=user)


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    enterprise = IdField(label=_("Enterprise"), required=False)
    region = forms.CharField(label=_("Region"), required=False)
    post_type = forms.ChoiceField(
        label=_("Post type"), required=False, choices=[("", _("All post types")), *PostType.choices]
    )
    zone = forms.ChoiceField(label=_("Zone"), required=False, choices=[("", _("All zones")), *Zone.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])


class EmployeeForm(_EnterpriseChoice):
    name = forms.CharField(label=_("Person's name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    post_type = forms.ChoiceField(label=_("Post type"), choices=PostType.choices, initial=PostType.NORMAL)
    team = forms.CharField(label=_("Team"), max_length=64, required=False)
    dormitory = forms.CharField(label=_("Dormitory"), max_length=64, required=False)
    management_unit = forms.CharField(label=_("Management unit"), max_length=64, required=False)
    arrival_date = forms.DateField(
        label=_("Arrival date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _style(self)


class EmployeeImportForm(_EnterpriseChoice):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _style(self)


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Why you need the full number (e.g. contact tracing). It is written to the audit log."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ResultsUploadForm(forms.Form):
    institution = forms.CharField(
        label=_("Testing institution"),
        max_length=128,
        help_text=_("Used for rows whose 检测机构 column is empty."),
    )
    file = forms.FileField(label=_("Results file (.csv or .xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class OverdueFilterForm(forms.Form):
    enterprise = IdField(label=_("Enterprise"), required=False)
    region = forms.CharField(label=_("Region"), required=False)


class ZoneMoveForm(forms.Form):
    zone = forms.ChoiceField(label=_("Move to zone"), choices=Zone.choices)
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        for field in self.fields.values():  # the form is one compact row: the label is the placeholder
            field.widget.attrs.update({"aria-label": str(field.label), "placeholder": str(field.label)})
