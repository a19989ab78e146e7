"""The demo readiness data: whitelisted 通许县 enterprises, the deliberate gaps, warnings, idempotency."""

from sibao.readiness.demo import load_demo_readiness
from sibao.readiness.models import Drill, Readiness, SupplyStock
from sibao.readiness.selectors import readiness_report
from sibao.sentinel.models import SentinelWarning, WarningKind


def demo_counts() -> dict[str, int]:
    return {
        "enterprises": Readiness.objects.count(),
        "short": SentinelWarning.objects.filter(kind=WarningKind.SUPPLIES_SHORTFALL).count(),
    }


def test_demo_covers_the_whitelisted_tongxu_enterprises_with_the_planned_gaps() -> None:
    demo = demo_counts()
    assert demo["enterprises"] >= 4 and demo["short"] == 2
    readiness = list(Readiness.objects.select_related("enterprise").order_by("enterprise__name", "enterprise__pk"))
    assert len(readiness) == demo["enterprises"]
    assert all("/410222/" in r.enterprise.region.path for r in readiness)
    warnings = SentinelWarning.objects.filter(kind=WarningKind.SUPPLIES_SHORTFALL)
    assert warnings.count() == 2
    reports = [readiness_report(r.enterprise) for r in readiness]
    failed = [{item.key for item in report.gaps} for report in reports]
    assert "supplies" in failed[0] and "supplies" in failed[1]
    assert "drill" in failed[2]
    assert "observation_rooms" in failed[3]
    # The rest only lack what the registry says (dormitory beds for all staff), nothing the demo left out.
    assert all(gaps <= {"living_facilities"} for gaps in failed[4:])


def test_demo_is_idempotent() -> None:
    before = (SupplyStock.objects.count(), Drill.objects.count(), SentinelWarning.objects.count())
    again = load_demo_readiness()
    assert again["enterprises"] == 0
    assert (SupplyStock.objects.count(), Drill.objects.count(), SentinelWarning.objects.count()) == before
