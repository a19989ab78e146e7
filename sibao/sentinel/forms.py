"""EP-6 page forms: shape the input only; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.sentinel.models import WarningKind, WarningStatus

STATUS_CHOICES = [
    ("", _("All statuses")),
    ("active", _("Open or being handled")),
    *WarningStatus.choices,
]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


class WarningFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *WarningKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    unattended = forms.BooleanField(label=_("Unattended only"), required=False)
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    enterprise = IdField(label=_("Enterprise"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. reminded the person, who was tested today")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReassignForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = users
        _style(self)


class PharmacyImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
