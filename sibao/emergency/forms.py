"""EM page forms. They only shape the input; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.emergency.models import AreaKind, InspectionKind, InspectionState, ShutdownCause
from sibao.enterprises.models import Enterprise
from sibao.regions.models import Region


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.SelectMultiple):
            field.widget.attrs.setdefault("class", "form-select")
            field.widget.attrs.setdefault("size", "6")
        else:
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SwitchForm(_Styled):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=64,
        required=False,
        help_text=_("The notice that orders it, e.g. 通防指〔2022〕3号."),
    )
    effective_at = forms.DateTimeField(
        label=_("Effective from (empty: at once)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("An advance notice lets the staff return inside before closed loop starts."),
    )


class SwitchBackForm(_Styled):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)


class AreaForm(_Styled):
    kind = forms.ChoiceField(label=_("Kind"), choices=AreaKind.choices)
    name = forms.CharField(label=_("Name"), max_length=128, required=False)
    townships: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Townships"), queryset=Region.objects.none(), required=False
    )
    enterprises: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Enterprises"), queryset=Enterprise.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, townships: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships  # type: ignore[attr-defined]
        self.fields["enterprises"].queryset = enterprises  # type: ignore[attr-defined]


class ConfirmForm(_Styled):
    staff_inside = forms.IntegerField(label=_("Staff inside the closed loop"), min_value=0, required=False)
    note = forms.CharField(
        label=_("Note (bubbles drawn, dormitories, supplies)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShutdownForm(_Styled):
    enterprise = IdField(label=_("Enterprise"), required=False, widget=forms.Select)
    cause = forms.ChoiceField(label=_("Cause"), choices=ShutdownCause.choices)
    date_from = forms.DateField(label=_("First day"), required=False, **_DATE)  # type: ignore[arg-type]
    date_to = forms.DateField(label=_("Last day"), required=False, **_DATE)  # type: ignore[arg-type]
    scope = forms.CharField(label=_("Areas shut"), max_length=255, required=False)
    capacity_limit = forms.IntegerField(
        label=_("Or limit production to a share of capacity (%)"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Blank: the areas named stop. A limit (限产) needs the same approval of both HQs."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].widget.choices = [("", "—"), *((e.pk, str(e)) for e in enterprises)]  # type: ignore[attr-defined]


class DecisionForm(_Styled):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionForm(_Styled):
    enterprise = IdField(label=_("Enterprise"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    item = forms.CharField(label=_("Inspection item"), max_length=255, required=False)
    department = forms.CharField(label=_("Inspecting department"), max_length=128, required=False)
    planned_on = forms.DateField(label=_("Planned date"), required=False, **_DATE)  # type: ignore[arg-type]

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].widget.choices = [("", "—"), *((e.pk, str(e)) for e in enterprises)]  # type: ignore[attr-defined]


class UnapprovedForm(_Styled):
    department = forms.CharField(label=_("Inspecting department"), max_length=128, required=False)
    day = forms.DateField(label=_("Date"), required=False, **_DATE)  # type: ignore[arg-type]
    note = forms.CharField(label=_("What happened"), max_length=2000, required=False)


class ListFilterForm(_Styled):
    state = forms.CharField(required=False, max_length=20)
    region = forms.CharField(required=False, max_length=12)
    sector = forms.ChoiceField(required=False, choices=[("", ""), *Sector.choices])
    enterprise = IdField(required=False)


class HaltFilterForm(_Styled):
    day = forms.DateField(label=_("Report day"), required=False, **_DATE)  # type: ignore[arg-type]
    region = forms.CharField(required=False, max_length=12)
    sector = forms.ChoiceField(required=False, choices=[("", ""), *Sector.choices])


class PeriodForm(_Styled):
    date_from = forms.DateField(label=_("From"), required=False, **_DATE)  # type: ignore[arg-type]
    date_to = forms.DateField(label=_("To"), required=False, **_DATE)  # type: ignore[arg-type]


INSPECTION_STATE_CHOICES = [("", _("All")), *InspectionState.choices]
