"""Page forms of requests (RQ-1…RQ-6). They shape input only; every rule is the services'."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sibao.core.form_fields import IdField
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.organisation.models import DepartmentFunction, Unit
from sibao.regions.models import Region
from sibao.tickets.models import (
    Category,
    CommonIssue,
    EscalationReason,
    Outcome,
    Satisfaction,
    Ticket,
    TicketState,
    Urgency,
)
from sibao.tickets.selectors import DEADLINE_LABELS, STAGE_LABELS, DeadlineState


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        else:
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PlainSelect(forms.Select):
    """A select rendered in one pass, without a template per option (issue 10: a province's HQ office chooses
    among ~1,200 departments, which Django's option templates took ~0.3 s to draw)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(item) for item in (value if isinstance(value, list | tuple) else [value]) if item is not None}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option, " selected" if str(option) in chosen else "", label) for option, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class PlainCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered in one pass (a county's few hundred open requests to group): the markup the common
    issue page used to build per choice, without a template per box."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        prefix = final.get("id") or f"id_{name}"
        chosen = {str(item) for item in (value or []) if item is not None}
        return format_html_join(
            "",
            '<div class="form-check small"><input class="form-check-input" type="checkbox" name="{}" '
            'value="{}" id="{}_{}"{}> <label class="form-check-label" for="{}_{}">{}</label></div>',
            (
                (name, option, prefix, index, " checked" if str(option) in chosen else "", prefix, index, label)
                for index, (option, label) in enumerate(self.choices)
            ),
        )


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TicketFilterForm(StyledForm):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *TicketState.choices])
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any deadline")),
            (DeadlineState.OVERDUE, DEADLINE_LABELS[DeadlineState.OVERDUE]),
            (DeadlineState.DUE_SOON, DEADLINE_LABELS[DeadlineState.DUE_SOON]),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Number, subject or enterprise")}),
    )
    waiting = forms.BooleanField(label=_("Waiting for me"), required=False)
    # DB-2/DB-4: the command screen's figures link here with their stage, region and sector.
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage")), *STAGE_LABELS.items()])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    enterprise = IdField(required=False, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class TicketForm(StyledForm):
    """RQ-1 intake. ``enterprises`` is given when an official files on an enterprise's behalf."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Subject"), max_length=120)
    text = forms.CharField(label=_("Request"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments (PDF, images, Word or Excel)"), required=False)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is None:
            del self.fields["enterprise"]
        else:
            field = self.fields["enterprise"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = enterprises
            field.required = True


# --- One form per workflow action on the detail page --------------------------------------------------


class AssignForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    due_at = forms.DateTimeField(
        label=_("Resolve by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class RespondForm(StyledForm):
    text = forms.CharField(
        label=_("Message to the enterprise"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(ReasonForm):
    reason_code = forms.ChoiceField(label=_("Why"), choices=EscalationReason.choices)

    field_order = ["reason_code", "reason"]


class QuestionForm(StyledForm):
    question = forms.CharField(
        label=_("What the enterprise should provide"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InfoForm(StyledForm):
    text = forms.CharField(label=_("Information"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reply = forms.CharField(
        label=_("Reply to the enterprise"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(StyledForm):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    score = forms.TypedChoiceField(
        label=_("Score (1–5)"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], initial=5
    )
    comment = forms.CharField(
        label=_("Comment (required when unsatisfied)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(StyledForm):
    verification = forms.CharField(
        label=_("Follow-up visit and verification"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(StyledForm):
    pass


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Progress note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    visible_to_enterprise = forms.BooleanField(label=_("Show to the enterprise"), required=False, initial=True)


class NoticeForm(StyledForm):
    text = forms.CharField(label=_("Supervision notice"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(StyledForm):
    issue = forms.ModelChoiceField(label=_("Common issue"), queryset=CommonIssue.objects.none())

    def __init__(self, *args: Any, issues: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issue"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = issues


# --- Common issues ------------------------------------------------------------------------------------


class CommonIssueForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ModelChoiceField(label=_("Policy department"), queryset=Unit.objects.none(), widget=PlainSelect)
    tickets = forms.ModelMultipleChoiceField(
        label=_("Requests with this cause"), queryset=Ticket.objects.none(), widget=PlainCheckboxes
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], tickets: QuerySet[Ticket], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field, ticket_field = self.fields["unit"], self.fields["tickets"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(ticket_field, forms.ModelMultipleChoiceField)
        unit_field.queryset = units
        ticket_field.queryset = tickets


class CommonAnswerForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class _RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RoutingTermsForm(StyledForm):
    """RQ-2: which department answers, and in how long (empty: the region's parameter)."""

    department_function = forms.ChoiceField(label=_("Department"), choices=DepartmentFunction.choices)
    response_hours = forms.IntegerField(
        label=_("Respond within (hours)"),
        required=False,
        min_value=1,
        max_value=720,
        help_text=_("Leave empty for the region's usual deadline."),
    )
    handle_days = forms.IntegerField(
        label=_("Resolve within (days)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Leave empty for the region's usual deadline."),
    )


class RoutingRuleForm(RoutingTermsForm):
    region = _RegionChoice(label=_("Region"), queryset=Region.objects.none(), widget=PlainSelect)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("Any urgency")), *Urgency.choices], required=False)
    field_order = ["region", "category", "urgency", "department_function", "response_hours", "handle_days"]

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions
