"""The parameters page's form: a region's own normal and emergency values of one rule number, built from the
parameter's definition (a list for yes/no and choices, a text box for numbers and dates)."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sibao.parameters.registry import Definition
from sibao.parameters.selectors import ParameterRow, Setting
from sibao.regions.models import RegionState


def _field(definition: Definition, label: Any, inherited: Setting) -> forms.Field:
    follow = gettext("Follow the region above (%(value)s)") % {"value": definition.display(inherited.value)}
    if definition.kind in ("bool", "choice"):
        options = definition.choices if definition.kind == "choice" else (("true", _("Yes")), ("false", _("No")))
        return forms.ChoiceField(label=label, required=False, choices=[("", follow), *options])
    hint = gettext("Blank: follow the region above.")
    if definition.minimum is not None and definition.maximum is not None:
        hint = gettext("%(min)s to %(max)s; blank: follow the region above.") % {
            "min": definition.minimum,
            "max": definition.maximum,
        }
    return forms.CharField(
        label=label,
        required=False,
        max_length=32,
        help_text=hint,
        widget=forms.TextInput(attrs={"placeholder": follow}),
    )


def _raw(setting: Setting) -> str:
    if setting.own is None:
        return ""
    value = setting.own.value
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


class ParameterForm(forms.Form):
    normal = forms.CharField(required=False)
    emergency = forms.CharField(required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=255,
        help_text=_("Why, e.g. the notice that set it."),
    )

    def __init__(self, *args: Any, row: ParameterRow, inherited: tuple[Setting, Setting], **kwargs: Any) -> None:
        own = row.normal.own or row.emergency.own
        kwargs.setdefault(
            "initial",
            {"normal": _raw(row.normal), "emergency": _raw(row.emergency), "note": own.note if own else ""},
        )
        super().__init__(*args, **kwargs)
        definition = row.definition
        self.fields["normal"] = _field(definition, RegionState.NORMAL.label, inherited[0])
        self.fields["emergency"] = _field(definition, RegionState.EMERGENCY.label, inherited[1])
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
