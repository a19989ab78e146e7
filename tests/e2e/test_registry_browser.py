"""A county officer logs in, sees only the county's enterprises, and imports through the page."""

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import TEST_PASSWORD, make_user, township_of
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.enterprises.tests.factories import EnterpriseFactory, valid_uscc
from sibao.regions.models import Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADERS = ["企业（项目）名称", "统一社会信用代码", "所属行业", "所属县（市、区）", "乡镇（街道）", "年产值（万元）"]


def workbook(rows: list[list[str]], path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_county_officer_sees_own_county_and_imports(
    live_server: Any, page: Any, reference_data: None, tmp_path: Path
) -> None:
    tongxu = Region.objects.get(code="410222")
    officer = make_user("e2e_tongxu", Role.HQ_OFFICE, region=tongxu)
    EnterpriseFactory(name="通许县浏览器测试机械有限公司", region=township_of("410222"), sector=Sector.INDUSTRY)
    EnterpriseFactory(name="新郑市不可见食品有限公司", region=township_of("410184"), sector=Sector.INDUSTRY)

    page.goto(f"{live_server.url}/enterprises/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", officer.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/enterprises/")
    body = page.locator("#enterprise-table").inner_text()
    assert "通许县浏览器测试机械有限公司" in body
    assert "新郑市不可见食品有限公司" not in body

    # Import: three rows, the second with a wrong check digit → nothing saved, row 2 named.
    good = [valid_uscc(), valid_uscc(), valid_uscc()]
    bad_second = good[1][:-1] + ("0" if good[1][-1] != "0" else "1")
    names = ["通许县导入一有限公司", "通许县导入二有限公司", "通许县导入三有限公司"]
    rows = [[names[i], code, "工业生产", "通许县", "", "100"] for i, code in enumerate(good)]
    rows_bad = [row[:] for row in rows]
    rows_bad[1][1] = bad_second

    page.click("a.btn:has-text('导入')")
    page.set_input_files("input[type=file]", str(workbook(rows_bad, tmp_path / "bad.xlsx")))
    page.click("button[name=preview]")
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "第2条" in errors and "统一社会信用代码" in errors
    assert not Enterprise.objects.filter(name__in=names).exists()

    page.set_input_files("input[type=file]", str(workbook(rows, tmp_path / "good.xlsx")))
    page.click("button[name=preview]")
    assert "3" in page.locator("[data-testid=import-preview-ok]").inner_text()
    page.click("button[name=confirm]")
    page.wait_for_url("**/enterprises/")
    assert Enterprise.objects.filter(name__in=names).count() == 3
    page.fill("input[name=q]", "txxdr")  # pinyin initials of 通许县导入…
    page.press("input[name=q]", "Enter")
    # Wait for the filtered table itself: the unfiltered one already lists the imported rows too.
    # (A function, not an expression string: the page's CSP forbids the eval a string predicate needs.)
    page.wait_for_function(
        "() => { const t = document.querySelector('#enterprise-table').innerText;"
        " return t.includes('通许县导入三有限公司') && !t.includes('通许县浏览器测试机械有限公司'); }"
    )
    assert "通许县浏览器测试机械有限公司" not in page.locator("#enterprise-table").inner_text()
