"""The registry of person-level event tables (issue 15 #2, PIPL Arts. 19 and 47): the tables whose rows say
something about one person at one moment (a test, a scan, a code change …) and must go when their purpose is met.

An app lists its tables on its AppConfig, so the retention app purges them without knowing the apps (and apps
built later, such as checkpoint checks, join by adding a line)::

    personal_tables = [
        PersonalTable("venues.scan", "venues.Scan", time_field="scanned_at",
                      region_field="venue__enterprise__region", parameter="retention.venue_scans_days",
                      label=_("Venue scans")),
    ]

``time_field`` is when the event happened (the retention runs from it; the purge goes day by day along it),
``region_field`` the path to the row's region (the retention in force is that region's, an "emergency over"
purge takes its subtree), ``parameter`` the key of the retention in days (``parameters.registry``),
``partitioned_by`` the field whose local day partitions the table on PostgreSQL, if it does (``core.partitions``;
the app's migration converts the table): the retention app then makes its partitions ahead and drops a day
expired in every region whole.
Nothing may reference these rows with a foreign key: they are deleted set-based, without Django's collector.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class PersonalTable:
    kind: str
    model: str
    time_field: str
    region_field: str
    parameter: str
    label: str | Promise
    partitioned_by: str = ""


def registered_personal_tables() -> list[PersonalTable]:
    found: dict[str, PersonalTable] = {}
    for config in apps.get_app_configs():
        for table in getattr(config, "personal_tables", ()):
            if table.kind in found:
                raise ValueError(f"personal table {table.kind!r} declared twice")
            found[table.kind] = table
    return list(found.values())
