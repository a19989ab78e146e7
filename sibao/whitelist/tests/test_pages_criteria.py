"""WL-2 criteria pages: list, JSON editor with the 003 template, Chinese validation errors, preview, publishing."""

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from conftest import Personas, client_for, make_user, region
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.whitelist import services
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.models import Criteria, CriteriaStatus

pytestmark = pytest.mark.django_db

SIMPLE_RULE = {"all": [{"field": "above_designated_size", "op": "is_true", "label": "规上工业企业"}]}


def save(client: Any, *, pk: int | None = None, action: str = "save", **data: Any) -> Any:
    url = reverse("whitelist:criteria_edit", args=[pk]) if pk else reverse("whitelist:criteria_new")
    values = {
        "title": "通许县工业企业白名单标准",
        "source": "003#二",
        "rule": json.dumps(SIMPLE_RULE),
        "action": action,
    }
    values |= data
    return client.post(url, values)


def draft(personas: Personas, title: str = "草案", rule: Any = None) -> Criteria:
    return services.criteria_save(
        actor=personas.tongxu_industry,
        region=region("410222"),
        sector=Sector.INDUSTRY,
        title=title,
        rule=rule or SIMPLE_RULE,
    )


@pytest.mark.parametrize("persona", ["tongxu_industry", "tongxu_commerce", "admin"])
def test_criteria_pages_render_for_sector_departments(personas: Personas, persona: str) -> None:
    draft(personas)
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("whitelist:criteria")).status_code == 200
    assert client.get(reverse("whitelist:criteria_new")).status_code == 200


@pytest.mark.parametrize("persona", ["tongxu_hq", "tongxu_township", "tongxu_leader", "ent_a_user"])
def test_roles_without_the_capability_are_refused(personas: Personas, persona: str) -> None:
    criteria = draft(personas)
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("whitelist:criteria")).status_code == 403
    assert client.get(reverse("whitelist:criteria_edit", args=[criteria.pk])).status_code == 403
    assert client.post(reverse("whitelist:criteria_publish", args=[criteria.pk])).status_code == 403
    assert save(client).status_code == 403
    criteria.refresh_from_db()
    assert criteria.status == CriteriaStatus.DRAFT and Criteria.objects.count() == 1


def test_other_sector_cannot_open_the_criteria(personas: Personas) -> None:
    criteria = draft(personas)
    client = client_for(personas.tongxu_commerce)
    assert client.get(reverse("whitelist:criteria_edit", args=[criteria.pk])).status_code == 404
    assert client.post(reverse("whitelist:criteria_publish", args=[criteria.pk])).status_code == 404
    assert criteria.title not in client.get(reverse("whitelist:criteria")).content.decode()


def test_start_from_the_003_template_fills_the_region_and_saves_nothing(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    response = save(client, action="template", title="", rule="")
    html = response.content.decode()
    assert response.status_code == 200 and not Criteria.objects.exists()
    assert "在县内注册" in html and "410222" in html  # the tree and the JSON name 通许县
    assert "白名单企业遴选标准和申报条件（003#二）" in html  # the template's title when none was typed
    # Saving the template as it comes works.
    rule = criteria_for_region("410222")
    assert save(client, rule=json.dumps(rule, ensure_ascii=False)).status_code == 302
    saved = Criteria.objects.get()
    assert (saved.region.code, saved.sector, saved.status, saved.rule) == ("410222", "industry", "draft", rule)


def test_invalid_rule_shows_the_chinese_error_and_saves_nothing(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    bad = {"all": [{"field": "nonsense", "op": "eq", "value": 1}, {"field": "credit_status", "op": "gt", "value": 1}]}
    response = save(client, rule=json.dumps(bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert "规则 › 第1项：未知字段“nonsense”" in html
    assert "规则 › 第2项：字段" in html and "不支持运算符“gt”" in html
    assert 'data-field="rule"' in html
    # Not JSON at all.
    html = save(client, rule='{"all": [').content.decode()
    message = _("The rule is not valid JSON (line %(line)s, column %(column)s).") % {"line": 1, "column": 10}
    assert message in html
    # No title.
    html = save(client, title=" ").content.decode()
    assert str(_("Give the criteria a title.")) in html
    assert not Criteria.objects.exists()


def test_preview_counts_matches_and_explains_failures(personas: Personas) -> None:
    Enterprise.objects.filter(pk=personas.ent_a.pk).update(above_designated_size=True)
    small = EnterpriseFactory(name="通许县小作坊", region=personas.ent_a.region, above_designated_size=False)
    EnterpriseFactory(name="新郑市规上企业", region=personas.ent_xinzheng.region, above_designated_size=True)
    client = client_for(personas.tongxu_industry)
    message = _("%(matching)s of %(total)s %(sector)s enterprises in %(region)s meet these criteria today.") % {
        "matching": 1,
        "total": 2,
        "sector": Sector.INDUSTRY.label,
        "region": "通许县",
    }
    html = save(client, action="preview").content.decode()
    assert message in html
    failing = html[html.index('data-testid="criteria-preview"') :]
    assert small.name in failing and "规上工业企业" in failing and personas.ent_a.name not in failing
    # The live (htmx) preview answers with the fragment only; nothing is saved.
    response = client.post(
        reverse("whitelist:criteria_new"),
        {"action": "preview", "title": "", "rule": json.dumps(SIMPLE_RULE)},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert message in fragment and "<html" not in fragment
    bad = client.post(
        reverse("whitelist:criteria_new"),
        {"action": "preview", "rule": json.dumps({"any": []})},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "条件组“any”不能为空" in bad
    assert not Criteria.objects.exists()


def test_publishing_retires_the_previous_criteria(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    first, second = draft(personas, "第一版"), draft(personas, "第二版")
    assert client.post(reverse("whitelist:criteria_publish", args=[first.pk])).status_code == 302
    assert client.get(reverse("whitelist:criteria_publish", args=[first.pk])).status_code == 405
    first.refresh_from_db()
    assert first.status == CriteriaStatus.PUBLISHED and first.published_by == personas.tongxu_industry
    # Publishing it again is refused with a message, nothing changes.
    client.post(reverse("whitelist:criteria_publish", args=[first.pk]))
    assert client.post(reverse("whitelist:criteria_publish", args=[second.pk])).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (CriteriaStatus.RETIRED, CriteriaStatus.PUBLISHED)
    html = client.get(reverse("whitelist:criteria")).content.decode()
    assert "第一版" in html and "第二版" in html and str(CriteriaStatus.RETIRED.label) in html


def test_saving_published_criteria_makes_a_new_draft(personas: Personas) -> None:
    published = services.criteria_publish(actor=personas.tongxu_industry, criteria=draft(personas, "现行标准"))
    client = client_for(personas.tongxu_industry)
    html = client.get(reverse("whitelist:criteria_edit", args=[published.pk])).content.decode()
    assert "规上工业企业" in html and str(_("Save as a new draft")) in html
    assert save(client, pk=published.pk, title="修订稿").status_code == 302
    published.refresh_from_db()
    assert published.status == CriteriaStatus.PUBLISHED and published.title == "现行标准"
    assert Criteria.objects.get(status=CriteriaStatus.DRAFT).title == "修订稿"


def test_a_county_sees_the_criteria_that_apply_from_its_city(personas: Personas) -> None:
    city_industry = make_user("kf_industry", Role.SECTOR_DEPARTMENT, region=region("410200"), sector=Sector.INDUSTRY)
    city = services.criteria_save(
        actor=city_industry, region=region("410200"), sector=Sector.INDUSTRY, title="开封市工业标准", rule=SIMPLE_RULE
    )
    services.criteria_publish(actor=city_industry, criteria=city)
    html = client_for(personas.tongxu_industry).get(reverse("whitelist:criteria")).content.decode()
    above = html[html.index('data-testid="criteria-above"') :]
    assert "开封市工业标准" in above and "规上工业企业" in above
    # The commerce department of the county has nothing from above in its sector.
    assert (
        "开封市工业标准" not in client_for(personas.tongxu_commerce).get(reverse("whitelist:criteria")).content.decode()
    )
    # The city's own department cannot edit the county's criteria (service refusal shown, nothing saved).
    county = draft(personas)
    response = save(client_for(city_industry), pk=county.pk, title="改写")
    assert response.status_code == 200
    assert str(_("Only the sector department of this region may edit its criteria.")) in response.content.decode()
    county.refresh_from_db()
    assert county.title == "草案"


def test_administrator_chooses_region_and_sector(personas: Personas) -> None:
    client = client_for(personas.admin)
    tongxu = region("410222")
    response = save(client, region=tongxu.pk, sector="commerce")
    assert response.status_code == 302
    saved = Criteria.objects.get()
    assert (saved.region, saved.sector) == (tongxu, "commerce")


def test_absurd_input_is_refused_politely(personas: Personas) -> None:
    client = client_for(personas.tongxu_industry)
    deep = "[" * 5000 + "]" * 5000
    response = save(client, rule=deep)
    assert response.status_code == 200 and str(_("The rule is nested too deeply.")) in response.content.decode()
    response = save(client, rule=json.dumps({"all": [SIMPLE_RULE] * 2000}))
    assert response.status_code == 200 and 'data-field="rule"' in response.content.decode()
    assert not Criteria.objects.exists()
