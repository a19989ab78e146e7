"""LG page forms. They only shape the input; the rules (plates, ID numbers, the whitelist, dates, scope) are
the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.epidemic.models import CodeColour
from sibao.logistics.models import (
    Arrangement,
    CheckpointKind,
    Condition,
    PassState,
    StationKind,
    StationStatus,
    Vehicle,
    VehicleKind,
)
from sibao.regions.models import Region


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VehicleForm(_Styled):
    plate = forms.CharField(
        label=_("Plate number"),
        max_length=16,
        help_text=_("E.g. 豫B·12345; new-energy vehicles have 8 characters, e.g. 豫AD12345."),
    )
    kind = forms.ChoiceField(label=_("Vehicle type"), choices=VehicleKind.choices, initial=VehicleKind.TRUCK)


class DriverForm(_Styled):
    name = forms.CharField(label=_("Person's name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Stored encrypted and shown masked. An employee of a whitelist enterprise is linked to the record."
        ),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    health_code = forms.ChoiceField(
        label=_("Health code shown"),
        required=False,
        choices=[("", _("— (from the employee record)")), *CodeColour.choices],
        help_text=_("For a driver who is not an employee of a whitelist enterprise."),
    )


class DriverHealthForm(_Styled):
    health_code = forms.ChoiceField(
        label=_("Health code shown"), required=False, choices=[("", "—"), *CodeColour.choices]
    )
    certificate_sampled_at = forms.DateTimeField(
        label=_("Negative certificate: sampled at"),
        required=False,
        widget=_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class RevealForm(_Styled):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Why you need the full number (e.g. contact tracing). It is written to the audit log."),
    )


_SECTORS = [("", _("All sectors")), *Sector.choices]


class DriverFilterForm(_Styled):
    whitelist = forms.BooleanField(label=_("Transport whitelist only"), required=False)
    q = forms.CharField(label=_("Person's name"), required=False, max_length=64)
    # The command screen's figure: on a valid pass of an enterprise of this region / sector.
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_SECTORS)


_LABELS = {
    "vehicle": lambda v: f"{v.plate_display}（{v.get_kind_display()}）",
    "drivers": lambda d: f"{d.name} {d.id_masked}",
    "served": lambda e: f"{e.name}（{e.region.name}）",
    "stations": lambda s: f"{s.name}（{s.region.name} · {s.get_kind_display()}）",
}


class _LabelledChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Labels set per field by the form (``_LABELS``)."""


class PassForm(_Styled):
    vehicle: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none())
    drivers = _LabelledChoice(label=_("Drivers"), queryset=None, widget=forms.CheckboxSelectMultiple)  # type: ignore[arg-type]
    served = _LabelledChoice(
        label=_("Whitelist enterprises served"),
        queryset=None,  # type: ignore[arg-type]
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    arrangement = forms.ChoiceField(label=_("Vehicle arrangement"), choices=Arrangement.choices)
    route = forms.CharField(
        label=_("Route or area"),
        max_length=255,
        help_text=_("From where to where (出发地—目的地), or the area served."),
    )
    stations = _LabelledChoice(
        label=_("Transfer stations the route may use"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=_DATE)
    toll_reduction = forms.BooleanField(label=_("Apply for the highway toll reduction"), required=False, initial=True)

    def __init__(self, *args: Any, vehicles: Any, drivers: Any, served: Any, stations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("vehicle", vehicles), ("drivers", drivers), ("served", served), ("stations", stations)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
            field.queryset = queryset
            field.label_from_instance = _LABELS[name]  # type: ignore[method-assign]
        self.fields["served"].widget.attrs["size"] = 8


class DecisionForm(_Styled):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PassFilterForm(_Styled):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All passes")), ("valid", _("Valid today")), *PassState.choices],
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_SECTORS)


class CheckForm(_Styled):
    checkpoint = forms.TypedChoiceField(label=_("Checkpoint"), coerce=int)
    token = forms.CharField(
        label=_("Pass code"),
        max_length=512,
        help_text=_("Scan the pass's QR code (it opens this page) or type or paste its content."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )
    driver = IdField(label=_("Driver on the pass"), required=False, widget=forms.RadioSelect)
    id_number = forms.CharField(
        label=_("Or the driver's ID number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    itinerary = forms.CharField(
        label=_("Itinerary card: counties shown (optional)"),
        required=False,
        max_length=500,
        help_text=_("County names or codes separated by commas, e.g. 通许县, 410184."),
    )

    def __init__(self, *args: Any, checkpoints: Any, drivers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["checkpoint"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.pk, f"{c.name}（{c.region.name}）") for c in checkpoints]
        driver = self.fields["driver"]
        driver.widget = forms.RadioSelect(
            choices=[(d.pk, f"{d.name} {d.id_masked}") for d in drivers], attrs={"class": "form-check-input"}
        )


class CheckFilterForm(_Styled):
    day = forms.DateField(label=_("Day"), required=False, widget=_DATE)
    checkpoint = IdField(label=_("Checkpoint"), required=False)
    failed = forms.BooleanField(label=_("Refused only"), required=False)
    condition = forms.ChoiceField(
        label=_("Failed condition"), required=False, choices=[("", _("Any condition")), *Condition.choices]
    )
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)


class _RegionForm(_Styled):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions


class CheckpointForm(_RegionForm):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckpointKind.choices)
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("In operation"), required=False, initial=True)


class StationForm(_RegionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=StationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=128)
    address = forms.CharField(label=_("Address"), max_length=255)
    capacity = forms.IntegerField(label=_("Capacity (vehicles per day)"), min_value=1, max_value=1_000_000)
    hours = forms.CharField(label=_("Opening hours"), max_length=64, initial="00:00–24:00")
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=StationStatus.choices)


class StationFilterForm(_Styled):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *StationKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *StationStatus.choices])
    region = forms.CharField(label=_("Region"), required=False, max_length=12)


class ReceivingPointForm(_Styled):
    location = forms.CharField(label=_("Where"), max_length=255, help_text=_("E.g. east gate, loading bay 2."))
    hours = forms.CharField(label=_("Receiving hours"), max_length=64, initial="08:00–20:00")
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    instructions = forms.CharField(
        label=_("Instructions for drivers"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
