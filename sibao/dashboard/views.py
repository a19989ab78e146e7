"""Command-screen pages (DB-1…DB-4): the screen at every level, its wall mode, its figures as .xlsx, the enterprise
card and the boundary file. Thin: ``selectors.screen`` decides what is shown and in whose scope."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from sibao.accounts.requests import AuthenticatedRequest
from sibao.core.roles import Capability
from sibao.core.tabular import Sheet, write_workbook
from sibao.core.views import capability_required, xlsx_response
from sibao.dashboard import selectors


def _screen(request: AuthenticatedRequest, code: str | None, *, wall: bool = False) -> selectors.Screen:
    return selectors.screen(
        request.user,
        code,
        sector=request.GET.get("sector", ""),
        indicator=request.GET.get("indicator", ""),
        page=request.GET.get("page"),
        wall=wall,
    )


@require_GET
@login_required
@capability_required(Capability.SCREEN_VIEW)
def screen(request: AuthenticatedRequest, code: str | None = None) -> HttpResponse:
    context = {"screen": _screen(request, code), "wall": False}
    if request.headers.get("HX-Request"):
        return render(request, "dashboard/_body.html", context)
    return render(request, "dashboard/screen.html", context)


@require_GET
@login_required
@capability_required(Capability.SCREEN_VIEW)
def wall(request: AuthenticatedRequest, code: str | None = None) -> HttpResponse:
    """Wall mode for a 1920×1080 display: full screen, dark; htmx reloads the body every minute."""
    context = {"screen": _screen(request, code, wall=True), "wall": True}
    if request.headers.get("HX-Request"):
        return render(request, "dashboard/_body.html", context)
    return render(request, "dashboard/wall.html", context)


def _cell(value: Any) -> Any:
    return "" if value is None else (float(value) if isinstance(value, Decimal) else value)


@require_GET
@login_required
@capability_required(Capability.SCREEN_VIEW)
def figures_xlsx(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Every figure of the view, and its children's, as a workbook (the same numbers the screen shows)."""
    page = _screen(request, code)
    region = page.view.region
    sector = dict(page.sectors).get(page.sector, _("All sectors"))
    moment = timezone.localtime(page.refreshed_at).strftime("%Y-%m-%d %H:%M") if page.refreshed_at else "—"
    figures = [
        [str(panel.title), str(figure.label), _cell(figure.value), str(figure.unit)]
        for panel, items in page.panels
        for figure in items
    ]
    sheets = [
        Sheet(
            _("Figures"),
            [_("Panel"), _("Figure"), _("Value"), pgettext("measurement", "Unit")],
            [[region.name, str(sector), _("Data as of %(time)s") % {"time": moment}, ""], *figures],
            widths={1: 28, 2: 36, 3: 16, 4: 8},
        )
    ]
    if page.children:
        title = str(page.indicator.title) if page.indicator else _("Value")
        sheets.append(
            Sheet(
                _("Areas below"),
                [_("Division code"), _("Name"), title],
                [[child.region.code, child.region.name, _cell(child.value)] for child in page.children],
                widths={1: 14, 2: 28, 3: 18},
            )
        )
    filename = f"{region.name}-{_('Command screen')}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(write_workbook(sheets), filename)


@require_GET
@login_required
@capability_required(Capability.SCREEN_VIEW)
def enterprise_card(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    card = selectors.enterprise_card(request.user, pk)
    return render(request, "dashboard/enterprise.html", {"card": card})


@require_GET
@login_required
@capability_required(Capability.SCREEN_VIEW)
def map_data(request: AuthenticatedRequest) -> HttpResponse:
    """The boundary file (``SIBAO_SCREEN_MAP_FILE``): the committed one, or a deployment's reviewed one."""
    handle = open(settings.SIBAO_SCREEN_MAP_FILE, "rb")  # noqa: SIM115 -- FileResponse closes it once streamed
    response: Any = FileResponse(handle, content_type="application/json")
    response["Cache-Control"] = "private, max-age=86400"
    return response  # a streaming response; the decorators' signature names HttpResponse
