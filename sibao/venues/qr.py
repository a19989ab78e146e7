"""QR codes of venue codes: inline SVG (segno), the URL they encode and the exported trace workbook."""

import io
from typing import Any

import segno
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sibao.core.tabular import write_xlsx
from sibao.venues.models import Venue
from sibao.venues.tracing import Trace


def code_url(request: Any, venue: Venue) -> str:
    """What the QR code encodes: the absolute URL of the code's landing page, holding the token."""
    return str(request.build_absolute_uri(reverse("venues:code", args=[venue.token])))


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An SVG QR code for ``url``; the URL is also in the SVG's <title> (readable, searchable)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, scale=scale, title=url, nl=False)
    return buffer.getvalue().decode()


def _local(moment: Any) -> str:
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S"))


def trace_workbook(result: Trace, *, subject: str, enterprise_names: dict[int, str]) -> bytes:
    """Visits and contacts of one trace as .xlsx (ID numbers never appear: names or pseudonymous refs)."""
    headers = [
        _("Record"),
        _("Venue"),
        _("Enterprise of the venue"),
        _("Case scanned at"),
        _("Contact"),
        _("Contact's enterprise"),
        _("Contact scanned at"),
    ]
    venue_enterprise = {visit.venue_id: visit.enterprise_id for visit in result.visits}
    rows: list[list[Any]] = [
        [
            _("Visit"),
            visit.venue_name,
            enterprise_names.get(visit.enterprise_id, ""),
            _local(visit.scanned_at),
            "",
            "",
            "",
        ]
        for visit in result.visits
    ]
    rows += [
        [
            _("Contact"),
            contact.venue_name,
            enterprise_names.get(venue_enterprise.get(contact.venue_id, 0), ""),
            _local(contact.case_scanned_at),
            contact.name,
            enterprise_names.get(contact.enterprise_id or 0, ""),
            _local(contact.contact_scanned_at),
        ]
        for contact in result.contacts
    ]
    return write_xlsx(
        headers, rows, sheet_title=_("Trace"), notes=[_("Person traced: %(subject)s") % {"subject": subject}]
    )
