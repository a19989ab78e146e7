"""Test helpers: employees and incidents made through the services."""

from datetime import datetime
from typing import Any

from conftest import Personas
from sibao.epidemic.models import Employee
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.incidents import services
from sibao.incidents.models import Incident, Trigger


def person(personas: Personas, body17: str, name: str, enterprise: Any = None) -> Employee:
    enterprise = enterprise or personas.ent_a
    return employee_create(
        actor=personas.admin, enterprise=enterprise, data={"name": name, "id_number": id_number(body17)}
    )


def reported(personas: Personas, employee: Employee, trigger: str = Trigger.INITIAL_POSITIVE) -> Incident:
    user = personas.ent_a_user if employee.enterprise_id == personas.ent_a.pk else personas.admin
    return services.incident_report(actor=user, employee=employee, trigger=trigger, note="混检初筛阳性")


def to_retest(personas: Personas, incident: Incident, sampled_at: datetime | None = None) -> Incident:
    tf = personas.tongxu_epidemic
    incident = services.incident_observe(actor=tf, incident=incident, place="point", where="2号楼留观室")
    return services.incident_sample_retest(actor=tf, incident=incident, sampled_at=sampled_at)
