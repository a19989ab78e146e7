"""EN-1 (001#annex1-二.1: 综合保税区等海关特殊监管区可以园区为单位纳入白名单): a customs special supervision zone is
registered as one unit — from a spreadsheet row typed 综合保税区 or 海关特殊监管区, exported under its kind, found by
the registry's kind filter."""

import io

import pytest
from openpyxl import load_workbook

from conftest import Personas, client_for
from sibao.core.imports import run_import
from sibao.enterprises.imports import enterprise_importer
from sibao.enterprises.models import Enterprise, EntityKind
from sibao.enterprises.tests.factories import valid_uscc
from sibao.enterprises.tests.test_import import HEADERS, xlsx

pytestmark = pytest.mark.django_db


def test_a_bonded_zone_joins_the_registry_as_one_unit(personas: Personas) -> None:
    row = ["开封综合保税区", valid_uscc(), "工业生产", "通许县", "", "56000", "是", "综合保税区"]
    upload = xlsx([row], headers=[*HEADERS, "类型"])
    result = run_import(enterprise_importer(actor=personas.tongxu_hq), upload, "zone.xlsx", commit=True)
    assert result.committed, [str(error) for error in result.errors]
    zone = Enterprise.objects.get(name="开封综合保税区")
    assert zone.kind == EntityKind.SPECIAL_ZONE and zone.get_kind_display() == "海关特殊监管区（以园区为单位）"

    client = client_for(personas.tongxu_hq)
    listed = client.get("/api/enterprises", {"kind": "special_zone"}).json()["items"]
    assert [item["name"] for item in listed] == ["开封综合保税区"]
    sheet = load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx").content)).active
    headers = [cell.value for cell in sheet[1]]
    kinds = {r[0]: r[headers.index("类型")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert kinds["开封综合保税区"] == "海关特殊监管区" and kinds[personas.ent_a.name] == "企业"
