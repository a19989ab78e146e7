"""Page forms of the whitelist. They shape input only; every rule is the services' (WL-3…WL-5)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sibao.core.rules import model_field
from sibao.whitelist.models import Application, ApplicationState, AttachmentKind
from sibao.whitelist.services import APPLICATION_FIELDS


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ApplicationForm(forms.Form):
    """WL-3's short form: who to call, why, and the epidemic measures in place."""

    contact_name = forms.CharField(max_length=64)
    contact_phone = forms.CharField(max_length=32)
    statement = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in APPLICATION_FIELDS:  # the model's labels, so the page and the services' messages agree
            self.fields[name].label = model_field(Application, name).verbose_name
        _style(self)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file is"), choices=[("", "—"), *AttachmentKind.choices])
    file = forms.FileField(label=_("File (PDF, JPG, PNG, DOC or DOCX)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The services check kind, type and size and answer in the user's language; the form only parses.
        self.fields["kind"].required = False
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.doc,.docx"
        _style(self)


class ApplicationFilterForm(forms.Form):
    ALL = "all"
    TO_REVIEW = "to_review"

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All submitted applications")),
            (TO_REVIEW, _("Awaiting a decision")),
            *ApplicationState.choices,
            (ALL, _("All, drafts included")),
        ],
    )
    precheck = forms.ChoiceField(
        label=_("Pre-check"),
        required=False,
        choices=[("", _("Any pre-check result")), ("failed", _("Pre-check failed")), ("passed", _("Pre-check passed"))],
    )
    q = forms.CharField(label=_("Enterprise name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)
        self.fields["q"].widget.attrs["placeholder"] = str(self.fields["q"].label)


class BatchPublishForm(forms.Form):
    """The HQ office ticks approved applications; ``services.batch_publish`` refuses an empty choice."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"), queryset=Application.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, awaiting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        applications = self.fields["applications"]
        assert isinstance(applications, forms.ModelMultipleChoiceField)
        applications.queryset = awaiting
        _style(self)


class RegionFilterForm(forms.Form):
    region = forms.RegexField(label=_("Region"), regex=r"^\d{6,12}$", required=False)
