"""Issue 10: the overdue page's per-enterprise figures come from the ``epidemic.overdue`` summary. On a hand-made
data set each figure equals the enterprise's overdue list (the EP-2 rule computed directly), in each official's
scope, and again after writes that change them once the refresh the page dates has run."""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, client_for
from sibao.core.summaries import refresh
from sibao.enterprises.models import ClosedLoopMode, Enterprise
from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.overdue import overdue_counts_by_enterprise, overdue_employee_list
from sibao.epidemic.services import employee_create
from sibao.epidemic.summaries import NAME
from sibao.epidemic.tests.test_employees import id_number

pytestmark = pytest.mark.django_db


def person(admin: Any, enterprise: Any, body: str, *, hours_ago: float | None, post: str = PostType.NORMAL) -> Employee:
    employee = employee_create(
        actor=admin,
        enterprise=enterprise,
        data={"name": f"员工{body[-3:]}", "id_number": id_number(body), "post_type": post},
    )
    if hours_ago is not None:
        at = timezone.now() - timedelta(hours=hours_ago)
        Employee.objects.filter(pk=employee.pk).update(last_test_at=at, last_negative_test_at=at)
    return employee


def direct(user: Any, region: Any = None) -> dict[int, int]:
    """The EP-2 rule computed now, per enterprise: what each figure's list shows."""
    people = overdue_employee_list(user=user, region=region).values_list("enterprise_id", flat=True)
    return dict(Counter(people))


def summarised(user: Any, region: Any = None) -> dict[int, int]:
    return {row["enterprise_id"]: row["overdue"] for row in overdue_counts_by_enterprise(user=user, region=region)}


@pytest.fixture
def world(personas: Personas) -> Personas:
    admin = personas.admin
    person(admin, personas.ent_a, "41022219900101001", hours_ago=None)  # never tested
    person(admin, personas.ent_a, "41022219900101002", hours_ago=50)  # normal post, 48 h
    person(admin, personas.ent_a, "41022219900101003", hours_ago=30)  # fine
    person(admin, personas.ent_b, "41022219900101004", hours_ago=30, post=PostType.LOGISTICS)  # 24 h: overdue
    person(admin, personas.ent_b, "41022219900101005", hours_ago=30)  # fine: normal post, 48 h
    person(admin, personas.ent_xinzheng, "41022219900101016", hours_ago=None)
    refresh(NAME)
    return personas


def test_each_figure_is_its_enterprise_list_in_every_scope(world: Personas) -> None:
    p = world
    assert summarised(p.tongxu_epidemic) == direct(p.tongxu_epidemic) == {p.ent_a.pk: 2, p.ent_b.pk: 1}
    assert summarised(p.kaifeng_hq) == direct(p.kaifeng_hq)
    assert summarised(p.henan_hq) == direct(p.henan_hq) == {p.ent_a.pk: 2, p.ent_b.pk: 1, p.ent_xinzheng.pk: 1}
    assert summarised(p.henan_hq, p.ent_a.region) == direct(p.henan_hq, p.ent_a.region) == {p.ent_a.pk: 2}
    assert summarised(p.tongxu_industry) == {p.ent_a.pk: 2}  # a sectoral department: its sector only
    assert p.ent_xinzheng.pk not in summarised(p.tongxu_epidemic)  # another county's enterprise is out of scope
    # Most overdue first.
    assert [row["enterprise_id"] for row in overdue_counts_by_enterprise(user=p.tongxu_epidemic)] == [
        p.ent_a.pk,
        p.ent_b.pk,
    ]


def test_writes_show_after_the_refresh_the_page_dates(world: Personas) -> None:
    p = world
    client = client_for(p.tongxu_epidemic)
    page = client.get(reverse("epidemic:overdue")).content.decode()
    assert 'data-testid="freshness"' in page
    # Closed-loop production makes ent_b's 30-hour-old test overdue (daily); a new never-tested person at ent_a.
    Enterprise.objects.filter(pk=p.ent_b.pk).update(closed_loop_mode=ClosedLoopMode.FULL)
    person(p.admin, p.ent_a, "41022219900101007", hours_ago=None)
    assert summarised(p.tongxu_epidemic) == {p.ent_a.pk: 2, p.ent_b.pk: 1}  # the last pass's figures until …
    refresh(NAME)
    assert summarised(p.tongxu_epidemic) == direct(p.tongxu_epidemic) == {p.ent_a.pk: 3, p.ent_b.pk: 1 + 1}
    # The page's figure is the count of the list it links to.
    page = client.get(reverse("epidemic:overdue")).content.decode()
    assert f'href="?enterprise={p.ent_a.pk}">{p.ent_a.name}</a></td><td class="text-end">3<' in page
    linked = client.get(reverse("epidemic:overdue"), {"enterprise": p.ent_a.pk}).content.decode()
    assert "逾期 3 人" in linked
