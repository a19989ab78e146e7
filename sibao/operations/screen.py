"""EN-3 on the command screen (DB-1 一屏掌控): today's operating status of the view's region and sector, and the
map indicator "share not operating normally". Figures come from the maintained summary
(``operations.summaries``); each links to the list behind it, filtered to the same region, sector and day."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.panels import Figure, Indicator, Panel, ScreenView
from sibao.core.roles import Capability
from sibao.operations.models import ProductionStatus
from sibao.operations.selectors import NOT_NORMAL_FILTER
from sibao.operations.summaries import by_path, figures, figures_by_child, total


def _link(name: str, view: ScreenView, day: Any, **extra: str) -> str:
    query = {"day": day.isoformat(), "region": view.region.code if view.region is not None else ""}
    if view.sector:
        query["sector"] = view.sector
    query.update(extra)
    return f"{reverse(name)}?{urlencode({key: value for key, value in query.items() if value})}"


def _today(view: ScreenView) -> Any:
    return timezone.localdate(view.now) if view.now else timezone.localdate()


def _grouped(view: ScreenView) -> list[dict[str, Any]]:
    """The panel and the map indicator share one grouped read of the summary."""
    return view.shared("operations.by_path", lambda: by_path(view.region, view.sector, _today(view)))


def operating_figures(view: ScreenView) -> list[Figure]:
    day = _today(view)
    found = total(_grouped(view), day) if view.region is not None else figures(None, view.sector, day)
    share = found.not_normal_percent

    def reports(**extra: str) -> str:
        return _link("operations:index", view, day, **extra)

    return [
        Figure(
            _("Reported today"),
            found.reported,
            _("firms"),
            reports(),
            help=_("%(due)d whitelisted firms are due") % {"due": found.due},
        ),
        Figure(
            _("Not yet reported"),
            found.missing,
            _("firms"),
            _link("operations:missing", view, day),
            tone="warning" if found.missing else "",
        ),
        Figure(_("Normal production"), found.normal, _("firms"), reports(status=ProductionStatus.NORMAL), "success"),
        Figure(
            _("Not operating normally"),
            found.not_normal,
            _("firms"),
            reports(status=NOT_NORMAL_FILTER),
            tone="warning" if found.not_normal else "",
            help=_("%(share)s %% of today's reports") % {"share": share} if share is not None else "",
        ),
        Figure(
            _("Closed-loop production"), found.closed_loop, _("firms"), reports(status=ProductionStatus.CLOSED_LOOP)
        ),
        Figure(_("Reduced production"), found.reduced, _("firms"), reports(status=ProductionStatus.REDUCED)),
        Figure(
            _("Production halted"),
            found.halted,
            _("firms"),
            reports(status=ProductionStatus.HALTED),
            tone="danger" if found.halted else "",
        ),
        Figure(_("Reported late"), found.late, _("firms"), reports(late="1")),
    ]


def not_normal_share(view: ScreenView, children: Sequence[Any]) -> Mapping[int, int | Decimal | None]:
    by_child = figures_by_child(view.region, children, view.sector, _today(view), grouped=_grouped(view))
    return {child_id: found.not_normal_percent for child_id, found in by_child.items()}


OPERATIONS = Panel(
    key="operations",
    title=_("Operating status today"),
    order=10,
    figures=operating_figures,
    capability=Capability.OPERATIONS_VIEW,
    pillar="operations",
)

NOT_NORMAL_SHARE = Indicator(
    key="operations.not_normal",
    title=_("Share not operating normally"),
    order=30,
    values=not_normal_share,
    unit="%",
    bands=(Decimal("5"), Decimal("15"), Decimal("30")),
    higher_is_worse=True,
    capability=Capability.OPERATIONS_VIEW,
)
