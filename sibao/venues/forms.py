"""EP-7 page forms. Validation is the services'; these only shape the input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.venues.models import VenueDeclaration, VenueKind


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class VenueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    name = forms.CharField(label=_("Name"), max_length=128)
    location = forms.CharField(label=_("Building / floor"), max_length=128, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = VenueDeclaration
        fields = ["entrances", "workshops", "production_areas", "buildings", "floors", "units", "closed_spaces"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control form-control-sm", "min": 0})


class ScanImportForm(forms.Form):
    file = forms.FileField(label=_("Scan file (.xlsx or .csv)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TraceForm(forms.Form):
    employee = IdField(label=_("Employee"), required=False)
    id_number = forms.CharField(
        label=_("or ID number"),
        max_length=18,
        required=False,
        # Never echoed back into the page.
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}, render_value=False),
    )
    start = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    end = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=255,
        help_text=_("Why you trace this person (e.g. the case report number). Every trace is logged."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("employee") and not data.get("id_number"):
            self.add_error("employee", _("Choose an employee or enter an ID number."))
        return data
