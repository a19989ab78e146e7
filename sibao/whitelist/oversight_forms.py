"""Forms of the whitelist oversight and criteria pages (WL-2, WL-6, WL-8, OR-5).

They only parse input: the services validate and refuse (their ServiceError lands next to the field).
"""

import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise, ServiceLevel
from sibao.organisation.models import Person, Unit, UnitKind
from sibao.regions.models import Region, RegionLevel
from sibao.whitelist.models import ListingQuerySet, RemovalReason, SpotCheck, SpotCheckResult


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("aria-label", str(field.label))


# --- Region choice (coverage, liaison gaps) ---------------------------------------------------------


def root_region(user: Any) -> Region:
    """The top of the user's subtree; the province for administrators, who have no region."""
    if user.region_id:
        return user.region
    return Region.objects.get(parent__isnull=True, level=RegionLevel.PROVINCE)


def chosen_region(user: Any, code: str | None) -> Region:
    """The region named by ``code`` if it lies in the user's subtree (404 otherwise), else the user's own."""
    root = root_region(user)
    if not code or code == root.code:
        return root
    region = Region.objects.filter(code=code, path__startswith=root.path).first()
    if region is None:
        raise Http404
    return region


def region_options(user: Any, region: Region) -> list[tuple[Region, str]]:
    """The path from the user's region down to ``region``, then its children: (region, indent) for a select."""
    root = root_region(user)
    path = list(Region.objects.filter(code__in=region.ancestor_codes(), path__startswith=root.path).order_by("path"))
    children = list(region.children.filter(is_active=True).order_by("code"))
    indent = "\u3000"  # an ideographic space per level
    return [(item, indent * depth) for depth, item in enumerate(path)] + [
        (child, indent * len(path)) for child in children
    ]


# --- WL-8: listings, spot checks and removals ---------------------------------------------------


class ListingFilterForm(forms.Form):
    region = forms.CharField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    level = forms.ChoiceField(
        label=_("Service level"), required=False, choices=[("", _("All levels")), *ServiceLevel.choices]
    )
    since = forms.DateField(
        label=_("Listed since"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def filter(self, listings: ListingQuerySet) -> ListingQuerySet:
        """Narrow already scoped listings (the scope itself is ``visible_to``'s job)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("region"):
            region = Region.objects.filter(code=data["region"]).first()
            listings = listings.filter(enterprise__region__path__startswith=region.path) if region else listings.none()
        if data.get("sector"):
            listings = listings.filter(sector=data["sector"])
        if data.get("level"):
            listings = listings.filter(service_level=data["level"])
        if data.get("since"):
            listings = listings.filter(listed_at__date__gte=data["since"])
        return listings


class SpotCheckForm(forms.Form):
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    inspectors = forms.CharField(
        label=_("Inspectors"), max_length=255, required=False, help_text=_("Department and HQ office staff.")
    )
    result = forms.ChoiceField(label=_("Result"), choices=[("", "---------"), *SpotCheckResult.choices])
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"checked_on": timezone.localdate()})
        kwargs["prefix"] = "check"
        super().__init__(*args, **kwargs)
        _style(self)


class SpotCheckChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.checked_on:%Y-%m-%d} {obj.get_result_display()}"


class RemovalProposalForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *RemovalReason.choices])
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    spot_check = SpotCheckChoiceField(label=_("Based on spot check"), queryset=SpotCheck.objects.none(), required=False)

    def __init__(self, *args: Any, spot_checks: QuerySet[SpotCheck], **kwargs: Any) -> None:
        kwargs["prefix"] = "removal"
        super().__init__(*args, **kwargs)
        field = self.fields["spot_check"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = spot_checks
        _style(self)


# --- OR-5: liaison ------------------------------------------------------------------------------


def county_of(enterprise: Enterprise) -> Region:
    """The enterprise's county (its own region when it sits at county level or above)."""
    county = Region.objects.filter(code__in=enterprise.region.ancestor_codes(), level=RegionLevel.COUNTY).first()
    return county or enterprise.region


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.name, str(obj.employer or ""), obj.post]
        return " · ".join(part for part in parts if part)


class LiaisonForm(forms.Form):
    liaison_cadre = PersonChoiceField(label=_("Liaison cadre"), queryset=Person.objects.none(), required=False)
    epidemic_officer = PersonChoiceField(label=_("Epidemic officer"), queryset=Person.objects.none(), required=False)
    medical_institution = forms.ModelChoiceField(
        label=_("Paired medical institution"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # People and institutions of the enterprise's county, as far as the user may see them.
        units = Unit.objects.visible_to(user).filter(
            region__path__startswith=county_of(enterprise).path, is_active=True
        )
        people = Person.objects.filter(employer__in=units).select_related("employer").order_by("employer__name", "name")
        for name in ("liaison_cadre", "epidemic_officer"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        medical = self.fields["medical_institution"]
        assert isinstance(medical, forms.ModelChoiceField)
        medical.queryset = units.filter(kind=UnitKind.MEDICAL).order_by("region__code", "name")
        _style(self)


# --- WL-2: criteria -------------------------------------------------------------------------------


RULE_MAX_CHARS = 50_000  # the 003 template is about 3,000 characters


class RuleField(forms.CharField):
    """The rule as JSON text; structure is checked by ``validate_rule`` in the service, not here."""

    widget = forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace", "spellcheck": "false"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        if self.max_length is not None and len(text) > self.max_length:
            # The built-in length check would see the parsed rule, not the text.
            raise forms.ValidationError(
                _("The rule is too long (at most %(limit)s characters)."),
                params={"limit": self.max_length},
                code="long",
            )
        try:
            return json.loads(text)
        except RecursionError:
            raise forms.ValidationError(_("The rule is nested too deeply."), code="json") from None
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The rule is not valid JSON (line %(line)s, column %(column)s)."),
                params={"line": exc.lineno, "column": exc.colno},
                code="json",
            ) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


class CriteriaForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    title = forms.CharField(label=_("Title"), max_length=128, required=False)
    source = forms.CharField(label=_("Source"), max_length=128, required=False)
    # Built with the condition builder; administrators may also edit its JSON (issue 9 #9).
    rule = RuleField(label=_("Conditions"), required=True, max_length=RULE_MAX_CHARS)

    def __init__(self, *args: Any, user: Any, ask_region: bool, ask_sector: bool, **kwargs: Any) -> None:
        """Region and sector are asked only when neither the criteria nor the user fixes them (administrators)."""
        super().__init__(*args, **kwargs)
        if ask_region:
            region = self.fields["region"]
            assert isinstance(region, forms.ModelChoiceField)
            region.queryset = root_regions_for_criteria(user)
        else:
            del self.fields["region"]
        if not ask_sector:
            del self.fields["sector"]
        _style(self)


def root_regions_for_criteria(user: Any) -> QuerySet[Region]:
    """Province, cities and counties in the user's subtree: where criteria are set."""
    regions = Region.objects.active().exclude(level=RegionLevel.TOWNSHIP).order_by("code")
    if user.region_id and user.role != Role.ADMINISTRATOR:
        regions = regions.filter(path__startswith=user.region.path)
    return regions
