"""EP-10 / EP-11 page forms. They only shape the input; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.sectors import Sector
from sibao.readiness.models import SupplyItem
from sibao.readiness.selectors import GAP_LABELS


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


class RegionFilterForm(forms.Form):
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    all = forms.BooleanField(label=_("Include enterprises not on the whitelist"), required=False)
    # The command screen's readiness figures (DB-3) link here with a sector and a gap.
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    gap = forms.ChoiceField(
        label=_("Gap"),
        required=False,
        choices=[("", _("Any gap")), *GAP_LABELS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class StockForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item, label in SupplyItem.choices:
            self.fields[item] = forms.DecimalField(
                label=label, required=False, min_value=0, max_digits=12, decimal_places=2
            )
        _style(self)

    def quantities(self) -> dict[str, Any]:
        return {
            item: self.cleaned_data.get(item) for item in SupplyItem.values if self.cleaned_data.get(item) is not None
        }


class ReadinessForm(forms.Form):
    leader_name = forms.CharField(label=_("Responsible leader"), max_length=64, required=False)
    leader_post = forms.CharField(label=_("Leader's post"), max_length=64, required=False)
    members = forms.CharField(label=_("Task force members"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    observation_rooms = forms.IntegerField(label=_("Temporary observation rooms"), min_value=0, max_value=100000)
    has_sampling_booth = forms.BooleanField(label=_("Has its own sampling booth"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PlanForm(forms.Form):
    file = forms.FileField(label=_("Emergency plan (PDF, DOC or DOCX)"))
    plan_date = forms.DateField(
        label=_("Plan dated"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class DrillForm(forms.Form):
    held_on = forms.DateField(
        label=_("Drill held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
