"""The roster forms of the unit page (OR-2/OR-3/OR-6); the services check every value again and name the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


class MemberForm(_Styled):
    role = forms.ChoiceField(label=_("Post"))
    name = forms.CharField(label=_("Full name"), max_length=32)
    post = forms.CharField(label=_("Position"), max_length=128, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles


class UnitDetailsForm(_Styled):
    office_location = forms.CharField(label=_("Office location"), max_length=128, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    duties = forms.CharField(
        label=_("Duties"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsultantForm(_Styled):
    name = forms.CharField(label=_("Full name"), max_length=32)
    post = forms.CharField(label=_("Position"), max_length=128, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32)
