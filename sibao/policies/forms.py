"""Page forms of the policies: they shape input only; the services check every rule (PO-1…PO-4)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.policies.models import EnterpriseFacts, Policy, PolicyCategory, PolicyLevel
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.oversight_forms import RULE_MAX_CHARS, RuleField


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=128)
    level = forms.ChoiceField(label=_("Level"), choices=PolicyLevel.choices)
    region = forms.ModelChoiceField(label=_("Applies in"), queryset=Region.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=PolicyCategory.choices)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors (none ticked: every sector)"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    how_to_apply = forms.CharField(label=_("How to apply"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    full_text = forms.CharField(label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    link = forms.URLField(label=_("Link to the document"), required=False, assume_scheme="https")
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    eligibility = RuleField(label=_("Eligibility conditions"), required=True, max_length=RULE_MAX_CHARS)
    formula = RuleField(
        label=_("Benefit formula"),
        required=False,
        max_length=20_000,
        help_text=_(
            "Steps, each a name, a label and an expression: numbers, percentages (a number followed by the "
            "percent sign), + − × ÷ as + - * /, parentheses, figures of the enterprise (e.g. booth_cost), "
            "earlier steps, parameters "
            "(e.g. policies.booth_subsidy_percent), min(…), max(…), if(condition, then, otherwise). "
            "Each step is rounded to 0.01 yuan, half up; “amount” names the step that is the amount."
        ),
    )
    reserve = forms.BooleanField(label=_("Keep in the policy reserve (toolbox)"), required=False)
    reserve_note = forms.CharField(label=_("When to publish it"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, policy: Policy | None, **kwargs: Any) -> None:
        initial: dict[str, Any] = kwargs.pop("initial", {}) or {}
        if policy is not None:
            initial = {
                name: getattr(policy, name)
                for name in (
                    "title",
                    "document_number",
                    "issuing_body",
                    "level",
                    "category",
                    "sectors",
                    "summary",
                    "how_to_apply",
                    "full_text",
                    "link",
                    "valid_from",
                    "valid_until",
                    "eligibility",
                    "formula",
                    "reserve",
                    "reserve_note",
                    "region",
                )
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        regions = Region.objects.active().exclude(level=RegionLevel.TOWNSHIP).order_by("code")
        if user.region is not None and user.role != Role.ADMINISTRATOR:
            regions = regions.filter(path__startswith=user.region.path)
        region.queryset = regions
        region.help_text = _("Empty: your own region.")
        _style(self)


class FactsForm(forms.ModelForm):
    class Meta:
        model = EnterpriseFacts
        fields = [
            "data_year",
            "ui_insured",
            "ui_contributions",
            "layoff_rate",
            "booth_cost",
            "tax_hardship",
            "tax_deferral_amount",
            "tax_deferral_months",
            "logistics_vehicles",
            "monthly_toll",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
        _style(self)

    def _post_clean(self) -> None:
        """The service validates and saves; the form does not write the model itself."""


class DecisionForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2, required=False, min_value=0)
    note = forms.CharField(
        label=_("Note or reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
