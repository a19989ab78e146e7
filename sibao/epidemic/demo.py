"""Demo employees and test results (EP-1, EP-2) for the whitelisted demo enterprises and the demo
enterprise users' own enterprises. Idempotent: an enterprise that already has employees is left alone, and
the result files are imported once (through the real ingest, so the stored last-test times follow).

Times are relative to the moment of loading: most people were tested within the last 40 hours, a few
logistics drivers are past their 24 hours, a few people were never tested.
"""

import random
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from stdnum.cn import ric

from sibao.accounts.models import User
from sibao.enterprises.models import Enterprise
from sibao.epidemic.ingest import results_import_submit
from sibao.epidemic.models import Employee, PostType, TestImport
from sibao.epidemic.services import employee_create
from sibao.whitelist.selectors import whitelisted_q

DEMO_INSTITUTIONS = {"410222": "通许县人民医院（示例）", "410184": "新郑市人民医院（示例）"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建军", "红梅", "志强", "丽娟", "海涛", "秀英", "国庆", "晓燕", "明", "静", "磊", "伟", "芳", "勇", "娜", "超"]
TEAMS = ["一班组", "二班组", "三班组", "包装班组", "仓储班组"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PER_ENTERPRISE = 24


def _id_number(county: str, born: date, serial: int) -> str:
    """A valid number born in ``county``; a county code younger than the person (新郑市 dates from 1994)
    gives way to 通许县's (in use since 1983) — the validator knows when each code existed."""
    for prefix in (county, "410222"):
        body = f"{prefix}{born:%Y%m%d}{serial:03d}"
        number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
        if ric.is_valid(number):
            return number
    return _id_number(county, born.replace(year=1990, day=min(born.day, 28)), serial)


def _county_code(enterprise: Enterprise) -> str:
    parts = [part for part in enterprise.region.path.split("/") if part]
    return parts[2] if len(parts) > 2 else enterprise.region.code[:6]


def demo_enterprises() -> list[Enterprise]:
    """Whitelisted demo enterprises in the seed counties plus the demo enterprise users' own."""
    # Demo logins only: later loaders add stand-in contacts (no usable password, "!…") that must not change
    # this set when the demo is loaded again.
    own = User.objects.filter(enterprise__isnull=False).exclude(password__startswith="!").values("enterprise_id")
    return list(
        Enterprise.objects.select_related("region")
        .filter(Q(pk__in=own) | (whitelisted_q() & Q(region__path__regex=r"/(410222|410184)/")))
        .order_by("pk")
    )


def load_demo_employees() -> dict[str, int]:
    created = 0
    for enterprise in demo_enterprises():
        if Employee.objects.filter(enterprise=enterprise).exists():
            continue
        rng = random.Random(enterprise.pk)
        county = _county_code(enterprise)
        people = min(PER_ENTERPRISE, max(8, enterprise.employee_count // 20))
        for index in range(people):
            born = date(1968, 1, 1) + timedelta(days=rng.randrange(0, 34 * 365))
            post = (
                PostType.LOGISTICS
                if index % 8 == 1
                else PostType.SALES
                if index % 8 == 3
                else PostType.CONTACT
                if index % 12 == 5
                else PostType.NORMAL
            )
            employee_create(
                actor=None,
                enterprise=enterprise,
                data={
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "id_number": _id_number(county, born, (enterprise.pk * 7 + index) % 1000),
                    "phone": f"13{rng.randrange(100000000, 999999999)}",
                    "post_type": post,
                    "team": TEAMS[index % len(TEAMS)],
                    "dormitory": f"{index % 4 + 1}号宿舍楼" if enterprise.dormitory_capacity else "",
                    "management_unit": f"{'ABC'[index % 3]}区第{index % 4 + 1}单元",
                },
            )
            created += 1
    return {"employees": created, "results": _load_demo_results()}


def _load_demo_results() -> int:
    """One result file per seed county, imported through the real ingest (the task force's upload)."""
    from sibao.core.protected import reveal

    added = 0
    now = timezone.localtime()
    for county, institution in DEMO_INSTITUTIONS.items():
        if TestImport.objects.filter(institution=institution).exists():
            continue
        uploader = User.objects.filter(role="epidemic", region__code=county).first()
        if uploader is None:
            continue  # results come from the county's epidemic task force; no task force, no files
        employees = Employee.objects.filter(enterprise__region__path__contains=f"/{county}/").order_by("pk")
        lines = ["姓名,身份证号码,采样时间,检测结果,检测机构"]
        for position, employee in enumerate(employees):
            if position % 23 == 7:
                continue  # never tested: overdue from the start
            mobile = employee.post_type != PostType.NORMAL
            # Mobile posts: most within 20 h, every third one past its 24 h; others 2–40 h ago.
            hours = (30 + position % 6) if mobile and position % 3 == 0 else (2 + position * 7 % (20 if mobile else 38))
            for earlier in (0, 48):
                sampled = now - timedelta(hours=hours + earlier, minutes=position % 50)
                number = reveal(employee.id_cipher)
                lines.append(f"{employee.name},{number},{sampled:%Y-%m-%d %H:%M},阴性,")
        if len(lines) == 1:
            continue
        content = ("\n".join(lines) + "\n").encode()
        imported = results_import_submit(
            actor=uploader, institution=institution, file_name=f"{now:%Y%m%d}-核酸结果.csv", content=content
        )
        added += imported.added_count
    return added
