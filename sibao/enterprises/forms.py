from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.sectors import Sector
from sibao.enterprises.models import ClosedLoopMode, Enterprise, EntityKind, PairingKind, RecordKind, RecordSeverity
from sibao.enterprises.selectors import FLAG_FIELDS
from sibao.enterprises.services import SELF_SERVICE_FIELDS
from sibao.regions.models import Region


def _flag_label(name: str) -> Any:
    field = Enterprise._meta.get_field(name)
    return getattr(field, "verbose_name", name)


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.CharField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntityKind.choices])
    flag = forms.ChoiceField(
        label=_("Flag"),
        required=False,
        choices=[("", _("Any flag")), *((name, _flag_label(name)) for name in FLAG_FIELDS)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sector", "kind", "flag"):
            self.fields[name].widget.attrs.update({"class": "form-select", "aria-label": str(self.fields[name].label)})


class EnterpriseForm(forms.ModelForm):
    """Page form; validation itself is the service's (``enterprise_validate``)."""

    class Meta:
        model = Enterprise
        fields = [
            "name", "uscc", "kind", "sector", "region", "park", "service_level",
            "legal_representative", "contact_name", "contact_phone", "address",
            "output_value", "investment", "employee_count",
            "above_designated_size", "specialised_sme", "leader_linked", "livelihood", "city_operation",
            "operating_status", "credit_status", "environmental_compliant", "safety_compliant",
            "closed_loop_mode", "dormitory_capacity", "canteen_capacity",
        ]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        regions = Region.objects.active().exclude(level="province")
        if user.region_id and not user.is_superuser and user.role != "administrator":
            regions = regions.filter(path__startswith=user.region.path)
        region_field.queryset = regions.order_by("code")
        if user.role == "enterprise":
            for name in list(self.fields):
                if name not in SELF_SERVICE_FIELDS:
                    del self.fields[name]
        if "closed_loop_mode" in self.fields:
            self.fields["closed_loop_mode"].required = False
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def clean_closed_loop_mode(self) -> str:
        # A form that does not show the choice (a create page posting only the registry fields) keeps the default.
        return self.cleaned_data.get("closed_loop_mode") or ClosedLoopMode.NONE

    def _post_clean(self) -> None:
        # Skip ModelForm's own full_clean: the service validates (one validator for every entry path).
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class RelationForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=[
            ("supplier", _("Supplier (upstream)")),
            ("customer", _("Customer (downstream)")),
            *((f"pairing:{value}", _("Pairing: %(kind)s") % {"kind": label}) for value, label in PairingKind.choices),
        ],
    )
    partner_uscc = forms.CharField(label=_("Partner's unified social credit code"), max_length=32)
    detail = forms.CharField(label=_("Product or note"), max_length=128, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.update({"class": css, "aria-label": str(field.label), "placeholder": str(field.label)})


class RecordForm(forms.Form):
    """EN-1 dated record; the rules (date not in the future, choices) are the service's."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=RecordSeverity.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=128,
        help_text=_("The document or authority it comes from, e.g. the penalty decision."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
