"""PO-1: a policy list imported from a spreadsheet joins the reserve as drafts (PO-5); a bad row saves nothing."""

import io

import pytest

from conftest import Personas
from sibao.core.imports import run_import
from sibao.core.tabular import write_xlsx
from sibao.policies.imports import POLICY_COLUMNS, policy_importer
from sibao.policies.models import Policy, PolicyState

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in POLICY_COLUMNS]


def sheet(*rows: list[str]) -> io.BytesIO:
    return io.BytesIO(write_xlsx(HEADER, [list(row) for row in rows], sheet_title="政策清单"))


def test_a_policy_list_becomes_reserve_drafts_for_their_sectors(personas: Personas) -> None:
    rows = (
        [
            "物流企业纾困补助",
            "通政〔2022〕3号",
            "通许县交通运输局",
            "县",
            "财政奖补",
            "交通运输",
            "补助",
            "",
            "",
            "2022-05-01",
            "",
        ],
        ["稳岗返还", "", "通许县人社局", "县级", "援企稳岗", "", "", "", "", "", "2022-12-31"],
    )
    result = run_import(policy_importer(actor=personas.tongxu_hq), sheet(*rows), "x.xlsx", commit=True)
    assert result.ok and result.saved == 2
    toll, refund = Policy.objects.order_by("pk")
    assert toll.state == PolicyState.DRAFT and toll.reserve and toll.region.code == "410222"
    assert (toll.level, toll.category, toll.sectors) == ("county", "fiscal_award", ["transport"])
    assert toll.eligibility["all"][0] == {"field": "sector", "op": "in", "value": ["transport"]}
    assert str(toll.valid_from) == "2022-05-01" and str(refund.valid_until) == "2022-12-31"
    assert refund.category == "job_retention" and len(refund.eligibility["all"][0]["value"]) > 1  # every sector


def test_a_bad_row_names_its_column_and_nothing_is_saved(personas: Personas) -> None:
    rows = (
        ["甲政策", "", "通许县工信局", "县", "财政奖补", "", "", "", "", "", ""],
        ["乙政策", "", "通许县工信局", "乡", "财政奖补", "", "", "", "ftp://x", "2022-13-01", ""],
    )
    result = run_import(policy_importer(actor=personas.tongxu_hq), sheet(*rows), "x.xlsx", commit=True)
    assert not result.ok and not Policy.objects.exists()
    assert [(error.row, error.column) for error in result.errors] == [(3, "层级")]
