"""Demo data as an AppConfig hook (issue 9 #5): the kernel loads every app's demo without importing any app.

Each app that brings demo data declares it on its AppConfig, like ``periodic_jobs``::

    demo_data = DemoData(order=30, loader="sibao.enterprises.demo.load_demo_enterprises",
                         summary=_("Demo enterprises: {enterprises} added …"))

``manage.py load_demo`` runs the loaders by ``order`` (reference data first, then each app after those it
builds on) in one transaction and prints each summary filled with the counts its loader returned. Loaders
are idempotent: a second run adds nothing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string

Loader = Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class DemoData:
    order: int  # reference data 10–29, registries 30–49, processes after the data they use
    loader: str  # dotted path of a function without arguments returning counts
    summary: str | Promise = ""  # str.format template over the counts; empty: nothing printed

    def load(self) -> Mapping[str, Any]:
        loader: Loader = import_string(self.loader)
        return loader()

    def describe(self, counts: Mapping[str, Any]) -> str:
        return str(self.summary).format(**counts) if self.summary else ""


def demo_data() -> list[DemoData]:
    """Every installed app's demo, in load order (apps of equal order in INSTALLED_APPS order)."""
    declared = [getattr(config, "demo_data", None) for config in apps.get_app_configs()]
    return sorted((demo for demo in declared if isinstance(demo, DemoData)), key=lambda demo: demo.order)
