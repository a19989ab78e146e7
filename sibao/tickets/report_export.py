"""RQ-8: the weekly report as an .xlsx workbook — the figures, then one sheet per list."""

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sibao.tickets.models import WeeklyReport

RATIO_NAMES = ("response", "on_time", "resolution", "satisfaction", "reopen")


def ratio_labels() -> dict[str, str]:
    return {
        "response": _("Response rate"),
        "on_time": _("On-time rate"),
        "resolution": _("Resolution rate"),
        "satisfaction": _("Satisfaction rate"),
        "reopen": _("Reopen rate"),
    }


def _percent(rate: float | None) -> float | str:
    return "" if rate is None else round(rate * 100, 1)


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Worksheet:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) * 2 + 4))
    sheet.freeze_panes = "A2"
    return sheet


def _group_rows(groups: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for group in groups:
        row: list[Any] = [group.get("rank") or "", group["name"]]
        for name in RATIO_NAMES:
            ratio = group[name]
            row += [ratio["numerator"], ratio["denominator"], _percent(ratio["rate"])]
        row += [group["closed"], group["avg_close_hours"] if group["avg_close_hours"] is not None else ""]
        rows.append(row)
    return rows


def weekly_report_workbook(report: WeeklyReport) -> bytes:
    figures = report.figures
    labels = ratio_labels()
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)

    totals = figures["totals"]
    summary: list[list[Any]] = [
        [_("Region"), report.region.name, "", ""],
        [_("Week ending (Friday)"), report.week_end.isoformat(), "", ""],
        [_("Requests filed this week"), figures["filed"], "", ""],
    ]
    for name in RATIO_NAMES:
        ratio = totals[name]
        summary.append([labels[name], ratio["numerator"], ratio["denominator"], _percent(ratio["rate"])])
    summary.append([_("Closed this week"), totals["closed"], "", ""])
    hours = totals["avg_close_hours"]
    summary.append([_("Average hours from filing to closing"), "" if hours is None else hours, "", ""])
    summary.append([_("Overdue at the end of the week"), len(figures["overdue"]), "", ""])
    summary.append([_("Escalated this week"), len(figures["escalated"]), "", ""])
    summary.append([_("Reopened this week"), len(figures["reopened"]), "", ""])
    _sheet(workbook, _("Figures"), [_("Figure"), _("Count"), _("Out of"), _("Rate (%)")], summary)

    group_headers = [_("Rank"), _("Name")]
    for name in RATIO_NAMES:
        group_headers += [labels[name] + _(" (count)"), labels[name] + _(" (out of)"), labels[name] + " (%)"]
    group_headers += [_("Closed"), _("Average hours to close")]
    _sheet(workbook, _("By unit"), group_headers, _group_rows(figures["by_unit"]))
    if figures["by_region"]:
        _sheet(workbook, _("By region"), group_headers, _group_rows(figures["by_region"]))

    base = [_("Number"), _("Subject"), _("Enterprise"), _("Responsible unit")]
    _sheet(
        workbook,
        _("Overdue"),
        [*base, _("Due"), _("Days overdue")],
        [
            [r["number"], r["title"], r["enterprise"], r["unit"], r["due_at"], r["days_overdue"]]
            for r in figures["overdue"]
        ],
    )
    _sheet(
        workbook,
        _("Escalated"),
        [*base, _("At"), _("From"), _("To"), _("Reason")],
        [
            [
                r["number"],
                r["title"],
                r["enterprise"],
                r["unit"],
                r["at"],
                r["from_region"],
                r["to_region"],
                r["reason"],
            ]
            for r in figures["escalated"]
        ],
    )
    _sheet(
        workbook,
        _("Reopened"),
        [*base, _("At"), _("Enterprise's comment")],
        [[r["number"], r["title"], r["enterprise"], r["unit"], r["at"], r["reason"]] for r in figures["reopened"]],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
