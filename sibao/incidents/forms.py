"""EP-9 page forms. They only shape the input; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.epidemic.models import Employee
from sibao.incidents.models import ContactKind, IncidentState, ObservationPlace, Trigger


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class FilterForm(_Styled):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", _("Open incidents")), ("", _("All incidents")), *IncidentState.choices],
    )
    enterprise = IdField(label=_("Enterprise"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    overdue = forms.BooleanField(label=_("Re-test overdue only"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    shutdown = forms.ChoiceField(
        label=_("Shutdown"),
        required=False,
        choices=[
            ("", _("With or without a shutdown")),
            ("in_force", _("Shutdown in force today")),
            ("requested", _("Shutdown awaiting decision")),
        ],
    )


class EmployeeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} {obj.id_masked} · {obj.enterprise.name}"


class ReportForm(_Styled):
    employee = EmployeeChoiceField(label=_("Person"), queryset=Employee.objects.none())
    trigger = forms.ChoiceField(label=_("Reason for the report"), choices=Trigger.choices)
    note = forms.CharField(
        label=_("Note (symptoms, screening result, where the person was)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, employees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employees


class ReasonForm(_Styled):
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ObserveForm(_Styled):
    place = forms.ChoiceField(label=_("Observation place"), choices=ObservationPlace.choices)
    where = forms.CharField(label=_("Where (room, building)"), required=False, max_length=128)
    reason = forms.CharField(label=_("Note"), required=False, max_length=2000)


class SampleForm(_Styled):
    sampled_at = forms.DateTimeField(
        label=_("Sampled at (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DisinfectForm(_Styled):
    areas = forms.CharField(
        label=_("Venues and areas disinfected"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    disinfected_on = forms.DateField(
        label=_("Disinfected on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ContactAddForm(_Styled):
    employee = EmployeeChoiceField(label=_("Person"), queryset=Employee.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    venue_name = forms.CharField(label=_("Venue"), required=False, max_length=128)

    def __init__(self, *args: Any, employees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employees


class ShutdownForm(_Styled):
    date_from = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    scope = forms.CharField(label=_("Areas shut"), max_length=255, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "observe": ObserveForm,
    "sample_retest": SampleForm,
    "confirm": ReasonForm,
    "clear": ReasonForm,
    "isolate_contacts": ReasonForm,
    "disinfect": DisinfectForm,
    "close": ReasonForm,
    "return_to_post": ReasonForm,
}
