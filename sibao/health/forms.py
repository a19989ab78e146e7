"""EP-3/EP-4/EP-5 page forms. They shape the input; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.epidemic.models import CodeColour, Employee
from sibao.health.models import ArrivalKind, CodeBasis, RiskLevel, Symptom
from sibao.health.selectors import origin_counties
from sibao.regions.models import Region


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
        widget.attrs.setdefault("class", css)


class _CountyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent}{obj.name}"


class _EmployeeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.id_masked}）"


class DailyReportForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    people_on_site = forms.IntegerField(label=_("People on site"), min_value=0)
    symptomatic = _EmployeeChoice(
        # The people themselves, chosen from the list (issue 9 #8: not "有症状人数", which is the count).
        label=_("Who has symptoms"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("Leave empty when nobody is unwell: that is the zero report, still due every day."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the people chosen above have."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, employees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["symptomatic"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = employees
        _style(self)

    def symptom_map(self) -> dict[int, list[str]]:
        chosen = list(self.cleaned_data.get("symptoms") or [])
        return {employee.pk: chosen for employee in self.cleaned_data.get("symptomatic") or []}


class RiskAreaForm(forms.Form):
    county = _CountyChoice(label=_("County"), queryset=Region.objects.none())
    area_name = forms.CharField(
        label=_("Area name"),
        max_length=128,
        required=False,
        help_text=_("For a static-management area; leave empty when the whole county is meant."),
    )
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    valid_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("In force until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty while still in force."),
    )
    source = forms.CharField(label=_("Source"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["county"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = origin_counties()
        _style(self)


class RiskAreaEndForm(forms.Form):
    until = forms.DateField(
        label=_("In force until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CodeAssignForm(forms.Form):
    colour = forms.ChoiceField(label=_("Code colour"), choices=CodeColour.choices)
    basis = forms.ChoiceField(label=_("Basis"), choices=CodeBasis.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ArrivalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArrivalKind.choices)
    name = forms.CharField(label=_("Person's name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    origin_county = _CountyChoice(label=_("Coming from (county)"), queryset=Region.objects.none())
    origin_area = forms.CharField(
        label=_("Coming from (area)"), max_length=128, required=False, help_text=_("Township, estate or street.")
    )
    expected_date = forms.DateField(
        label=_("Expected arrival"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    arrived_at = forms.DateTimeField(
        label=_("Already arrived at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only for a registration after the fact."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["origin_county"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = origin_counties()
        _style(self)


class SightingForm(forms.Form):
    name = forms.CharField(label=_("Person's name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    seen_at = forms.DateTimeField(
        label=_("Seen at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    source = forms.CharField(label=_("Source"), max_length=64, initial=_("Gate check"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class FilterForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False)
    enterprise = IdField(label=_("Enterprise"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
