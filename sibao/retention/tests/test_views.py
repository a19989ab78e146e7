"""Issue 15 #2 pages: the HQ office previews the "emergency over" purge (counts per kind), confirms it, and only
its region's records go; other roles get 403."""

import pytest
from django.urls import reverse

from conftest import Personas, client_for
from sibao.retention.models import Purge
from sibao.retention.tests.test_services import KINDS
from sibao.retention.tests.world import build, counts

pytestmark = pytest.mark.django_db


def test_hq_office_previews_confirms_and_purges_its_region(personas: Personas) -> None:
    build(personas)
    client = client_for(personas.tongxu_hq)
    page = client.get(reverse("retention:index"))
    assert page.status_code == 200
    assert "场所扫码记录" in page.content.decode()  # the retention in force, per kind, in Chinese

    preview = client.get(reverse("retention:index"), {"preview": "1"})
    body = preview.content.decode()
    assert 'data-testid="preview-counts"' in body and "<td>16</td>" in body  # 8 kinds × 2 records in 通许县
    before = preview.context["form"].initial["before"]

    refused = client.post(reverse("retention:purge"), {"before": before.isoformat()}, follow=True)
    assert "确认" in refused.content.decode() and counts("410222") == dict.fromkeys(KINDS, 2)  # not confirmed

    done = client.post(reverse("retention:purge"), {"before": before.isoformat(), "confirm": "on"}, follow=True)
    assert "已删除 16 条个人疫情数据" in done.content.decode()
    assert counts("410222") == dict.fromkeys(KINDS, 0)
    assert counts("410184") == dict.fromkeys(KINDS, 2)
    assert Purge.objects.get().started_by == personas.tongxu_hq


@pytest.mark.parametrize("who", ["tongxu_epidemic", "admin"])
def test_other_roles_may_not_purge(personas: Personas, who: str) -> None:
    build(personas)
    client = client_for(getattr(personas, who))
    assert client.get(reverse("retention:index"), {"preview": "1"}).status_code == 403
    answer = client.post(reverse("retention:purge"), {"before": "2020-01-01T00:00:00+08:00", "confirm": "on"})
    assert answer.status_code == 403
    assert counts() == dict.fromkeys(KINDS, 4)
