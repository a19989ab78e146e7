"""EM-6 尽职免责: the printable compliance record of one enterprise over a period, and the same as .xlsx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.roles import Capability, has_capability
from sibao.core.tabular import write_xlsx
from sibao.core.views import xlsx_response
from sibao.emergency.api import record_period
from sibao.emergency.duty import DutyRecord, duty_record, record_rows
from sibao.emergency.forms import PeriodForm
from sibao.enterprises.models import Enterprise


def _record(request: AuthenticatedRequest, enterprise_id: int) -> tuple[DutyRecord, PeriodForm]:
    # Officials in scope, or the enterprise itself (its own evidence); anyone else 403, out of scope 404.
    if not (
        has_capability(request.user, Capability.EMERGENCY_VIEW)
        or has_capability(request.user, Capability.EMERGENCY_CONFIRM)
    ):
        raise PermissionDenied
    enterprise = Enterprise.objects.select_related("region").get_visible(request.user, pk=enterprise_id)
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    date_from, date_to = record_period(data.get("date_from"), data.get("date_to"))
    return duty_record(enterprise, date_from, date_to), form


@login_required
def duty_record_page(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    record, form = _record(request, enterprise_id)
    query = request.GET.urlencode()
    return render(request, "emergency/duty_record.html", {"record": record, "form": form, "query": query})


@login_required
def duty_record_xlsx(request: AuthenticatedRequest, enterprise_id: int) -> HttpResponse:
    record, _form = _record(request, enterprise_id)
    headers = [_("Section"), _("Item"), _("Value"), _("Finding"), _("Detail")]
    notes = [
        _("Duty-exemption record (EM-6) of %(enterprise)s, %(from)s to %(to)s, made %(at)s from the platform's data.")
        % {
            "enterprise": record.enterprise.name,
            "from": record.date_from.isoformat(),
            "to": record.date_to.isoformat(),
            "at": timezone.localtime(record.made_at).strftime("%Y-%m-%d %H:%M"),
        }
    ]
    content = write_xlsx(headers, record_rows(record), sheet_title=_("Duty-exemption record"), notes=notes)
    name = f"{record.enterprise.name}-{record.date_from:%Y%m%d}-{record.date_to:%Y%m%d}.xlsx"
    return xlsx_response(content, name)
