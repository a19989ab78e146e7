"""EN-3 page forms. They shape the input for a phone; ``services.clean_values`` holds the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.operations.models import OperatingWarningStatus, ProductionStatus
from sibao.operations.selectors import NOT_NORMAL_FILTER
from sibao.operations.services import LABELS
from sibao.tickets.models import Category


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _number(step: str, maximum: int | None = None, mode: str = "numeric") -> forms.NumberInput:
    attrs = {"min": "0", "step": step, "inputmode": mode}
    if maximum is not None:
        attrs["max"] = str(maximum)
    return forms.NumberInput(attrs=attrs)


class ReportForm(forms.Form):
    """The values are checked by the service (one validator for page, API and import); the form only converts
    them, so its own limits stay loose and every refusal reads the same."""

    day = forms.DateField(label=LABELS["day"], widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    status = forms.ChoiceField(label=LABELS["status"], choices=ProductionStatus.choices, widget=forms.RadioSelect)
    staff_on_site = forms.CharField(label=LABELS["staff_on_site"], widget=_number("1"))
    staff_total = forms.CharField(label=LABELS["staff_total"], widget=_number("1"))
    capacity_percent = forms.CharField(
        label=LABELS["capacity_percent"], widget=_number("1", 100), help_text=_("0 to 100")
    )
    raw_material_days = forms.CharField(label=LABELS["raw_material_days"], widget=_number("0.1", mode="decimal"))
    finished_goods_days = forms.CharField(label=LABELS["finished_goods_days"], widget=_number("0.1", mode="decimal"))
    output_month = forms.CharField(label=LABELS["output_month"], widget=_number("0.01", mode="decimal"))
    problem_category = forms.ChoiceField(
        label=LABELS["problem_category"],
        required=False,
        choices=[("", _("No problem to report")), *Category.choices],
    )
    main_problem = forms.CharField(
        label=LABELS["main_problem"],
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The main difficulty today, if any. It can be turned into a request in one click."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    NUMBERS = (
        "staff_on_site",
        "staff_total",
        "capacity_percent",
        "raw_material_days",
        "finished_goods_days",
        "output_month",
    )

    def number_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NUMBERS]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "day"}


class ReportFilterForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    status = forms.ChoiceField(
        label=_("Production status"),
        required=False,
        choices=[("", _("Any status")), (NOT_NORMAL_FILTER, _("Not operating normally")), *ProductionStatus.choices],
    )
    late = forms.BooleanField(label=_("Filed late only"), required=False)
    enterprise = IdField(label=_("Enterprise"), required=False)


class MissingFilterForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    overdue = forms.BooleanField(label=_("Past the deadline only"), required=False)


class WarningFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All warnings")), *OperatingWarningStatus.choices]
    )
    day = forms.DateField(
        label=_("Report day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])


class CloseWarningForm(forms.Form):
    reason = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("For example: reached by phone, the firm is on holiday until Monday."),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
