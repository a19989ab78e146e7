"""Set-ups for the health tests: employees through the EP-1 service, listings through the whitelist flow."""

from itertools import count
from typing import Any

from conftest import Personas
from sibao.epidemic.models import Employee
from sibao.epidemic.services import employee_create
from sibao.whitelist.models import Listing
from sibao.whitelist.tests.flows import listed_through_services, publish_default_criteria

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_serial = count(100)
# The clear numbers the tests made, by employee id (the database holds only digests).
NUMBERS: dict[int, str] = {}


def id_number(body17: str | None = None) -> str:
    """A valid 18-character ID number (ISO 7064 MOD 11-2 check character); a fresh one when no body."""
    body17 = body17 or f"41022219900101{next(_serial):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body17, WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


def employee(enterprise: Any, name: str = "王建军", number: str | None = None, actor: Any = None) -> Employee:
    from sibao.accounts.models import User

    actor = actor or User.objects.filter(enterprise=enterprise).first()
    number = number or id_number()
    made = employee_create(actor=actor, enterprise=enterprise, data={"name": name, "id_number": number})
    NUMBERS[made.pk] = number
    return made


def whitelist_ent_a(personas: Personas) -> Listing:
    """ent_a (通许县, industry) through apply → approve → publish."""
    publish_default_criteria(personas.tongxu_industry)
    return listed_through_services(personas.ent_a_user, personas.tongxu_industry, personas.tongxu_hq)
