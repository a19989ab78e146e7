"""EN-3 zero-report rule: a whitelisted enterprise that has not reported appears in the list (overdue after its
region's deadline), the sweep raises one warning per firm and day, a late report lifts it, an official closes
one with a note; a late report appears in the late list."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import Personas, client_for, region
from sibao.core.errors import PermissionRefused, ServiceError
from sibao.core.models import TransitionLog
from sibao.operations.models import OperatingWarning, OperatingWarningStatus
from sibao.operations.selectors import ReportFilters, missing_list, report_list
from sibao.operations.services import missing_report_sweep, operating_report_file, operating_warning_close
from sibao.operations.tests.factories import filed, values
from sibao.parameters.registry import OPERATIONS_REPORT_DEADLINE_HOUR
from sibao.parameters.services import parameter_set
from sibao.sentinel.tests.helpers import whitelist

pytestmark = pytest.mark.django_db


def at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def listed(personas: Personas) -> Personas:
    for enterprise in (personas.ent_a, personas.ent_b, personas.ent_xinzheng):
        whitelist(enterprise, personas.henan_hq)
    return personas


def test_a_missing_report_appears_in_the_list_until_filed(listed: Personas) -> None:
    p = listed
    today = timezone.localdate()
    assert set(missing_list(user=p.tongxu_hq, day=today)) == {p.ent_a, p.ent_b}  # not 新郑市's
    filed(p.ent_a_user, p.ent_a)
    assert list(missing_list(user=p.tongxu_hq, day=today)) == [p.ent_b]
    page = client_for(p.tongxu_hq).get("/operations/missing/")
    assert page.context["page"].paginator.count == 1 and p.ent_b.name in page.content.decode()
    assert list(missing_list(user=p.ent_a_user, day=today)) == []  # an enterprise sees only itself


def test_overdue_follows_each_region_deadline(listed: Personas) -> None:
    p = listed
    today = timezone.localdate()
    parameter_set(actor=p.admin, key=OPERATIONS_REPORT_DEADLINE_HOUR.key, region=region("410222"), value="10")
    at_eleven = at(0, 11)  # past 通许县's 10:00, before the default 17:00 of 新郑市
    overdue = missing_list(user=p.admin, day=today, overdue=True, now=at_eleven)
    assert set(overdue) == {p.ent_a, p.ent_b}
    assert set(missing_list(user=p.admin, day=today, overdue=False, now=at_eleven)) == {
        p.ent_a,
        p.ent_b,
        p.ent_xinzheng,
    }


def test_the_sweep_warns_once_per_firm_and_day_and_a_late_report_lifts_it(listed: Personas) -> None:
    p = listed
    yesterday = timezone.localdate() - timedelta(days=1)
    assert missing_report_sweep(yesterday, at(0, 8)) == {"raised": 3}
    assert missing_report_sweep(yesterday, at(0, 9)) == {"raised": 0}  # idempotent
    # Today's deadline has not passed yet at 08:00: nobody is warned for today.
    assert missing_report_sweep(timezone.localdate(), at(0, 8)) == {"raised": 0}
    operating_report_file(actor=p.ent_a_user, enterprise=p.ent_a, day=yesterday, values=values(), now=at(0, 9))
    warning = OperatingWarning.objects.get(enterprise=p.ent_a, day=yesterday)
    assert warning.status == OperatingWarningStatus.CLOSED and warning.lifted
    assert TransitionLog.objects.filter(object_id=warning.pk, action="lift", workflow="operations.warning").exists()
    # The late report is in the list of late reports of that day.
    late = report_list(user=p.tongxu_hq, filters=ReportFilters(day=yesterday, late=True))
    assert [report.enterprise for report in late] == [p.ent_a]
    page = client_for(p.tongxu_hq).get("/operations/", {"day": yesterday.isoformat(), "late": "on"})
    assert page.context["page"].paginator.count == 1


def test_an_official_closes_a_warning_with_a_note(listed: Personas) -> None:
    p = listed
    yesterday = timezone.localdate() - timedelta(days=1)
    missing_report_sweep(yesterday, at(0, 8))
    warning = OperatingWarning.objects.get(enterprise=p.ent_b, day=yesterday)
    with pytest.raises(ServiceError):
        operating_warning_close(actor=p.tongxu_hq, warning=warning, note="  ")
    with pytest.raises(PermissionRefused):
        operating_warning_close(actor=p.ent_b_user, warning=warning, note="我们放假了")  # not the firm itself
    with pytest.raises(PermissionRefused):
        operating_warning_close(actor=p.xinzheng_hq, warning=warning, note="已联系")
    closed = operating_warning_close(actor=p.tongxu_hq, warning=warning, note="电话联系：设备检修停工一天。")
    assert closed.status == OperatingWarningStatus.CLOSED and not closed.lifted and closed.closed_by == p.tongxu_hq
    assert missing_report_sweep(yesterday, at(0, 10)) == {"raised": 0}  # closed is not raised again


def test_warnings_page_closes_a_warning_and_others_get_404(listed: Personas) -> None:
    p = listed
    yesterday = timezone.localdate() - timedelta(days=1)
    missing_report_sweep(yesterday, at(0, 8))
    warning = OperatingWarning.objects.get(enterprise=p.ent_xinzheng, day=yesterday)
    refused = client_for(p.tongxu_hq).post(f"/operations/warnings/{warning.pk}/close/", {"reason": "已联系"})
    assert refused.status_code == 404
    response = client_for(p.xinzheng_hq).post(f"/operations/warnings/{warning.pk}/close/", {"reason": "已联系企业"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == OperatingWarningStatus.CLOSED and warning.note == "已联系企业"
    listing = client_for(p.tongxu_hq).get("/operations/warnings/", {"status": "open"})
    assert listing.context["page"].paginator.count == 2  # 通许县's two firms
