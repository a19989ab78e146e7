"""EP-7 demo data (clearly made up): venue codes of the whitelisted enterprises of 通许县 (entrances,
workshops, dormitory, canteen) with one enterprise short of a declared workshop code (a coverage gap), and
three days of scans by their demo employees, so that tracing a demo person shows visits and contacts.
Idempotent: fixed names, clock times on whole past days, and the scan table's unique key."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sibao.core.audit import as_actor
from sibao.enterprises.models import Enterprise
from sibao.epidemic.models import Employee
from sibao.regions.models import Region
from sibao.venues.models import Scan, Venue, VenueDeclaration, VenueKind
from sibao.whitelist.selectors import whitelisted_q

DEMO_COUNTY = "410222"  # 通许县
MAX_ENTERPRISES = 4
MAX_PEOPLE = 60  # per enterprise
DAYS = 3
VENUES = [
    ("东门", VenueKind.ENTRANCE, "厂区东侧"),
    ("南门", VenueKind.ENTRANCE, "厂区南侧"),
    ("一号车间", VenueKind.WORKSHOP, "1号厂房1层"),
    ("二号车间", VenueKind.WORKSHOP, "2号厂房1层"),
    ("员工宿舍区", VenueKind.LIVING_AREA, "宿舍楼"),
    ("职工食堂", VenueKind.CANTEEN, "综合楼1层"),
]
# A day of one person: (venue index, clock time, minutes of spread across people).
ROUTINE = [
    (0, time(7, 40), 30),
    (2, time(8, 5), 20),
    (5, time(11, 50), 25),
    (1, time(17, 35), 30),
    (4, time(18, 10), 40),
]


def load_demo_venues() -> dict[str, int]:
    counts = {"enterprises": 0, "venues": 0, "scans": 0}
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    if county is None:
        return counts
    enterprises = list(
        Enterprise.objects.filter(region__path__startswith=county.path)
        .filter(whitelisted_q())
        .order_by("pk")[:MAX_ENTERPRISES]
    )
    today = timezone.localdate()
    with transaction.atomic(), as_actor(None):
        for number, enterprise in enumerate(enterprises):
            counts["enterprises"] += 1
            venues = []
            for name, kind, location in VENUES:
                venue, created = Venue.objects.get_or_create(
                    enterprise=enterprise, name=name, defaults={"kind": kind, "location": location}
                )
                counts["venues"] += int(created)
                venues.append(venue)
            # The last enterprise declares a third workshop it has no code for: a coverage gap.
            gap = number == len(enterprises) - 1
            VenueDeclaration.objects.get_or_create(
                enterprise=enterprise, defaults={"entrances": 2, "workshops": 3 if gap else 2}
            )
            people = list(Employee.objects.filter(enterprise=enterprise, is_active=True).order_by("pk")[:MAX_PEOPLE])
            scans = []
            for days_ago in range(1, DAYS + 1):
                day = today - timedelta(days=days_ago)
                for index, person in enumerate(people):
                    for venue_index, clock, spread in ROUTINE:
                        local = datetime.combine(day, clock) + timedelta(minutes=(index * 7 + days_ago) % spread)
                        scans.append(
                            Scan(
                                venue=venues[venue_index],
                                id_digest=person.id_digest,
                                scanned_at=timezone.make_aware(local),
                            )
                        )
            before = Scan.objects.filter(venue__in=venues).count()
            Scan.objects.bulk_create(scans, ignore_conflicts=True, batch_size=2000)
            counts["scans"] += Scan.objects.filter(venue__in=venues).count() - before
    return counts
