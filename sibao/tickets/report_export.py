"""RQ-8: the weekly report as an .xlsx workbook — the figures, then one sheet per list."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from sibao.core.tabular import Sheet, write_workbook
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


def _sheet(sheets: list[Sheet], title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    # Through the kernel's writer: request titles and comments are the enterprises' own text, written as
    # text cells, never as formulas (issue 8 #3).
    sheets.append(Sheet(title, headers, rows))


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


def weekly_report_filename(report: WeeklyReport) -> str:
    """The workbook's download name (page and API)."""
    return f"督办督查周报告_{report.region.name}_{report.week_end:%Y%m%d}.xlsx"


def weekly_report_workbook(report: WeeklyReport) -> bytes:
    figures = report.figures
    labels = ratio_labels()
    workbook: list[Sheet] = []

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
    return write_workbook(workbook)
