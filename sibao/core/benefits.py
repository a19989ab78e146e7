"""WL-9: what a whitelist listing grants an enterprise, stated to it and to officials on the listing's page and in
the API — each benefit declared by the app that grants it, with the seed clause and, where the app keeps it, the
enterprise's own state of it today (its valid passes, its matched policies …).

The kernel knows no app. An app lists its benefits on its AppConfig::

    listing_benefits = ["sibao.logistics.benefits.PASSES"]

``listing_benefits()`` collects them in order; ``benefit_rows(enterprise)`` reads each one's state (one small
indexed query each at most, whatever the data size).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Benefit:
    key: str
    label: str | Promise
    basis: str  # the seed clause, e.g. "001#annex2-三.2"
    explain: str | Promise  # what it means for the enterprise, one sentence
    order: int = 100
    # The enterprise's own state of it today ("3 passes valid today"); None when there is nothing to count.
    state: Callable[[Any], str | Promise] | None = None
    url_name: str = ""  # the page where the enterprise uses it (a URL name without arguments)


@dataclass(frozen=True)
class BenefitRow:
    benefit: Benefit
    state: str


def listing_benefits() -> list[Benefit]:
    found = [
        import_string(path) for config in apps.get_app_configs() for path in getattr(config, "listing_benefits", ())
    ]
    return sorted(found, key=lambda benefit: (benefit.order, benefit.key))


def benefit_rows(enterprise: Any) -> list[BenefitRow]:
    """Every benefit with ``enterprise``'s state of it."""
    return [
        BenefitRow(benefit, str(benefit.state(enterprise)) if benefit.state else "") for benefit in listing_benefits()
    ]
