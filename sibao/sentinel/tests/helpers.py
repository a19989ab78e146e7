"""Set-ups shared by the sentinel tests."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from sibao.epidemic.models import Employee, PostType
from sibao.epidemic.services import employee_create
from sibao.epidemic.tests.test_employees import id_number
from sibao.sentinel.models import SentinelWarning, WarningKind
from sibao.sentinel.services import warning_raise
from sibao.whitelist.models import Application, ApplicationState
from sibao.whitelist.services import batch_publish

NOW = timezone.make_aware(datetime(2022, 5, 10, 12, 0))


def whitelist(enterprise: Any, hq: Any) -> None:
    """Put ``enterprise`` on the whitelist (an approved application published by ``hq``; the review itself
    is the whitelist app's test)."""
    application = Application.objects.create(
        enterprise=enterprise,
        sector=enterprise.sector,
        service_level=enterprise.service_level,
        state=ApplicationState.APPROVED,
        created_by=hq,
        contact_name="李娜",
        contact_phone="13912345678",
        statement="申请纳入白名单。",
        measures="已落实闭环管理。",
    )
    batch_publish(actor=hq, applications=[application])


def person(
    enterprise: Any,
    body: str,
    *,
    admin: Any,
    post: str = PostType.NORMAL,
    tested_hours_ago: float | None = None,
    name: str = "",
) -> Employee:
    employee = employee_create(
        actor=admin,
        enterprise=enterprise,
        data={"name": name or f"员工{body[-3:]}", "id_number": id_number(body), "post_type": post},
    )
    if tested_hours_ago is not None:
        at = NOW - timedelta(hours=tested_hours_ago)
        Employee.objects.filter(pk=employee.pk).update(last_test_at=at, last_negative_test_at=at)
    return employee


def raised(enterprise: Any, key: str = "test:1", *, kind: str = WarningKind.OVERDUE_TEST, **kw: Any) -> SentinelWarning:
    warning = warning_raise(kind=kind, enterprise=enterprise, subject_key=key, detail=f"信号 {key}", **kw)
    assert warning is not None
    return warning
