"""Demo requests (RQ-1…RQ-6) in 通许县 and 新郑市, played through the services over the last three weeks.

Each county gets about 35 requests in every state of the loop: awaiting triage, assigned, in progress, waiting
for the enterprise, overdue (one with a 督办 notice), escalated to the city, a common issue answered for
several firms (物流通行证) and one still open (原料运输), answered, rated unsatisfied and reopened, rated,
verified and closed — so the queues, deadline warnings, metrics and the weekly report have something to show.
``tongxu_ent1`` has a request waiting for its information and an answer waiting for its rating.

Every step runs through the services at its own moment in the past (``_clock``): deadlines, history rows,
notes, notices and inbox messages then carry consistent times, which updating rows afterwards cannot give
for derived values such as a deadline moved by a paused clock.

Idempotent: a county that already has requests is left as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from sibao.accounts.models import User
from sibao.core.audit import as_actor
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise, EntityKind
from sibao.organisation.models import DepartmentFunction, Unit, UnitKind
from sibao.regions.models import Region
from sibao.tickets.models import Category, EscalationReason, Outcome, Satisfaction, Ticket, TicketState, Urgency
from sibao.tickets.routing import routing_for
from sibao.tickets.services import (
    common_issue_answer,
    common_issue_create,
    notice_issue,
    ticket_answer,
    ticket_assign,
    ticket_close,
    ticket_escalate,
    ticket_file,
    ticket_note,
    ticket_provide_info,
    ticket_rate,
    ticket_request_info,
    ticket_respond,
    ticket_verify,
)

S = TicketState


@dataclass(frozen=True)
class County:
    code: str
    prefix: str  # of the demo usernames: tongxu_hq, tongxu_industry …
    name: str
    city: str


COUNTIES = (County("410222", "tongxu", "通许县", "开封市"), County("410184", "xinzheng", "新郑市", "郑州市"))
WALK_THROUGH = "tongxu_ent1"  # has a request waiting for its information and an answer to rate

# (category, urgency, subject, request). Plausible requests of the 2022 spring lockdowns, by category.
REQUESTS: list[tuple[str, str, str, str]] = [
    (
        Category.RAW_MATERIALS,
        Urgency.URGENT,
        "钢材原料供应中断",
        "受疫情管控影响，河北钢厂暂停向我公司发货，钢材库存仅够一周生产，恳请协调恢复供货或对接省内替代供应商。",
    ),
    (
        Category.RAW_MATERIALS,
        Urgency.NORMAL,
        "包装纸箱采购困难",
        "原合作的纸箱厂位于封控区，停产已十天，成品无法包装出库，希望帮助对接县内或周边包装企业。",
    ),
    (
        Category.RAW_MATERIALS,
        Urgency.NORMAL,
        "塑料粒子价格上涨",
        "石化企业检修叠加物流受阻，PP粒子报价上涨近三成，希望协调本地供应商保供稳价。",
    ),
    (
        Category.LABOUR,
        Urgency.URGENT,
        "返岗员工受阻",
        "约40名外地员工因所在地管控无法返岗，生产线缺员严重，请协助办理点对点返岗并明确健康管理要求。",
    ),
    (
        Category.LABOUR,
        Urgency.NORMAL,
        "急需招聘一线操作工",
        "新接出口订单，需新增操作工60人，希望人社部门帮助发布招聘信息并组织线上招聘会。",
    ),
    (
        Category.LOGISTICS,
        Urgency.URGENT,
        "成品发运车辆被劝返",
        "发往郑州的成品运输车辆在高速出口被劝返，已有三批订单延期交货，请协调办理通行手续。",
    ),
    (
        Category.LOGISTICS,
        Urgency.NORMAL,
        "货车司机核酸检测时效",
        "货车司机往返频繁，48小时核酸检测难以保证，希望在园区附近设置便民采样点。",
    ),
    (
        Category.MARKET,
        Urgency.NORMAL,
        "展会取消后拓展订单",
        "原定参加的广交会线下展取消，希望商务部门推荐线上展会和外贸平台资源。",
    ),
    (
        Category.MARKET,
        Urgency.NORMAL,
        "产品进入商超渠道",
        "我公司生产的速冻食品希望进入本地商超保供渠道，请帮助对接大型商超采购负责人。",
    ),
    (
        Category.POLICY,
        Urgency.NORMAL,
        "留抵退税政策咨询",
        "想了解增值税留抵退税政策的适用条件和办理流程，我公司为制造业小微企业。",
    ),
    (
        Category.POLICY,
        Urgency.NORMAL,
        "稳岗返还申领",
        "去年未裁员，想申请失业保险稳岗返还，但系统显示不符合条件，请帮助核实原因。",
    ),
    (
        Category.FINANCE,
        Urgency.URGENT,
        "流动资金贷款到期续贷",
        "一笔800万元流动资金贷款下月到期，受疫情影响回款困难，申请协调银行办理无还本续贷。",
    ),
    (
        Category.FINANCE,
        Urgency.NORMAL,
        "申请纾困贴息贷款",
        "希望了解疫情纾困专项贷款的贴息比例和申请材料，计划用于采购原材料。",
    ),
    (
        Category.UTILITIES,
        Urgency.NORMAL,
        "新增生产线电力增容",
        "新上一条生产线需增容800千伏安，供电公司排期较晚，影响投产，请协调加快办理。",
    ),
    (
        Category.UTILITIES,
        Urgency.CRITICAL,
        "天然气供应不足",
        "近期天然气限量供应，烘干工序无法正常运行，请协调增加用气指标。",
    ),
    (
        Category.EPIDEMIC,
        Urgency.URGENT,
        "闭环生产防疫物资不足",
        "实行闭环生产后抗原试剂和口罩消耗大，现有储备仅够三天，请协助采购或调拨。",
    ),
    (
        Category.EPIDEMIC,
        Urgency.NORMAL,
        "厂区核酸采样点设置",
        "厂区员工600余人，希望在厂内设置固定核酸采样点，减少员工外出排队。",
    ),
    (
        Category.OTHER,
        Urgency.NORMAL,
        "员工子女临时托管",
        "学校停课后部分一线员工子女无人照看，影响到岗，希望协调社区提供临时托管。",
    ),
]
COMMON_PASS = [  # 物流通行证: one cause, several firms — answered once for all
    "我公司原料运输车辆无法进入{city}市区，急需办理重点物资运输车辆通行证。",
    "配送车辆在卡口被劝返，请协调办理重点物资运输通行证。",
    "外地供应商送货车辆进不来，原料断档，希望办理物流通行证。",
    "成品外运需跨市，司机反映通行证办理渠道不清楚，请予指导。",
]
COMMON_TRANSPORT = [  # 原料运输: linked, the policy department has not answered yet (and reads alike: RQ-2 hint)
    "外省原料运输车辆司机到厂后须隔离，运输公司不愿接单，原料无法按时运进厂。",
    "外省原料运输车辆司机到厂须隔离七天，物流公司不愿接单，原料运不进来，生产受影响。",
    "原料从外省运输，车辆司机到厂后要隔离，运输公司不接单，原料无法按时到厂。",
]
OVERDUE_REQUESTS = [request for request in REQUESTS if request[1] == Urgency.NORMAL][:3]


def _request(title: str) -> tuple[str, str, str, str]:
    return next(request for request in REQUESTS if request[2] == title)


NOTES = ["已电话联系企业了解情况。", "已与相关供应方对接，正在协调。", "已报分管领导，正在研究解决方案。"]
REPLIES: dict[str, str] = {
    Outcome.RESOLVED: "经协调，问题已解决，请企业反馈实际效果。",
    Outcome.PARTLY: "已解决部分问题，其余事项正在持续跟进。",
    Outcome.UNRESOLVABLE: "经研究，受现行政策限制暂无法解决，已向企业说明原因并提供替代方案。",
}


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    """Let the services act at ``moment``: they (and ``auto_now_add``) read the time from ``timezone.now``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _account(admin: User | None, username: str, role: str, **fields: Any) -> User:
    """A demo account without a usable password (hashing costs most of a second; nobody logs in as these)."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    user = User(username=username, role=role, **fields)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with as_actor(admin):
        user.save()
    return user


class _People:
    """The county's actors: its HQ office and supervision, and one user for every unit a request goes to."""

    def __init__(self, county: County, admin: User | None) -> None:
        self.county, self.admin = county, admin
        self.region = Region.objects.get(code=county.code)
        self.hq = User.objects.get(username=f"{county.prefix}_hq")
        self.supervision = User.objects.get(username=f"{county.prefix}_supervision")
        self.city_hq = User.objects.filter(role=Role.HQ_OFFICE, region=self.region.parent, is_active=True).first()
        self._ensure_department_users()

    def _ensure_department_users(self) -> None:
        """The demo department users act for their department (users created before the organisation lack it)."""
        for suffix, function in (
            ("industry", DepartmentFunction.INDUSTRY_IT),
            ("commerce", DepartmentFunction.COMMERCE),
        ):
            user = User.objects.filter(username=f"{self.county.prefix}_{suffix}", unit__isnull=True).first()
            unit = self.department(function)
            if user is not None and unit is not None:
                user.unit = unit
                with as_actor(self.admin):
                    user.save(update_fields=["unit"])

    def department(self, function: str) -> Unit | None:
        return (
            Unit.objects.filter(region=self.region, kind=UnitKind.DEPARTMENT, function=function, is_active=True)
            .order_by("pk")
            .first()
        )

    def of(self, unit: Unit) -> User:
        """A user of ``unit`` (the named demo user where there is one)."""
        user = User.objects.filter(unit=unit, is_active=True).exclude(role=Role.ENTERPRISE).order_by("pk").first()
        if user:
            return user
        sector = Sector.TRANSPORT if unit.function == DepartmentFunction.TRANSPORT else ""
        return _account(
            self.admin,
            f"{self.county.prefix}_unit_{unit.function or unit.pk}",
            Role.SECTOR_DEPARTMENT,
            display_name=unit.name,
            region=self.region,
            unit=unit,
            sector=sector,
        )

    def enterprise_user(self, enterprise: Enterprise) -> User:
        existing = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise).order_by("pk").first()
        return existing or _account(
            self.admin,
            f"ent_{enterprise.uscc}",
            Role.ENTERPRISE,
            enterprise=enterprise,
            display_name=f"{enterprise.contact_name or '联系人'}（{enterprise.name}）",
        )


class _Story:
    """One request played step by step from its filing time; ``at(hours)`` is the moment of the next step."""

    def __init__(self, people: _People, enterprise: Enterprise, filed: datetime, request: tuple[str, ...]) -> None:
        self.people, self.filed = people, filed
        self.user = people.enterprise_user(enterprise)
        category, urgency, title, text = request
        with _clock(filed):
            self.ticket = ticket_file(
                actor=self.user,
                enterprise=enterprise,
                data={"category": category, "urgency": urgency, "title": title, "text": text},
            )
        self.unit_user: User | None = None

    def hours_until(self, moment: datetime) -> float:
        return (moment - self.filed).total_seconds() / 3600

    def step(self, hours: float, action: Callable[..., Ticket], **kwargs: Any) -> Ticket:
        with _clock(self.filed + timedelta(hours=hours)):
            self.ticket = action(ticket=self.ticket, **kwargs)
        return self.ticket

    def assign(self, hours: float = 2) -> None:
        unit = routing_for(self.ticket).unit
        if unit is None:
            raise ValueError(f"{self.people.county.name}没有处理“{self.ticket.category}”诉求的部门")
        self.unit_user = self.people.of(unit)
        self.step(hours, ticket_assign, actor=self.people.hq)

    def respond(self, hours: float = 6) -> None:
        self.step(hours, ticket_respond, actor=self.unit_user, text="已受理，正在了解情况。")
        with _clock(self.filed + timedelta(hours=hours + 4)):
            assert self.unit_user is not None
            ticket_note(actor=self.unit_user, ticket=self.ticket, text=NOTES[self.ticket.pk % len(NOTES)])

    def answer(self, hours: float, outcome: str = Outcome.RESOLVED) -> None:
        self.step(hours, ticket_answer, actor=self.unit_user, outcome=outcome, reply=REPLIES[outcome])

    def rate(self, hours: float, satisfaction: str = Satisfaction.SATISFIED, score: int = 5, comment: str = "") -> None:
        self.step(hours, ticket_rate, actor=self.user, satisfaction=satisfaction, score=score, comment=comment)

    def verify(self, hours: float) -> None:
        self.step(hours, ticket_verify, actor=self.people.supervision, verification="电话回访企业，确认办理情况属实。")

    def close(self, hours: float) -> None:
        self.step(hours, ticket_close, actor=self.people.supervision)


def _enterprises(county: County) -> list[Enterprise]:
    """The county's enterprises, the walk-through's first, the others spread over the sectors."""
    walk_through = User.objects.filter(username=WALK_THROUGH, enterprise__isnull=False).first()
    first = (
        [walk_through.enterprise]
        if walk_through and walk_through.enterprise and county.code in walk_through.enterprise.region.path
        else []
    )
    others = list(
        Enterprise.objects.filter(region__path__contains=f"/{county.code}/", kind=EntityKind.ENTERPRISE)
        .exclude(pk__in=[e.pk for e in first])
        .select_related("region")
        .order_by("sector", "uscc")
    )
    by_sector: dict[str, list[Enterprise]] = {}
    for enterprise in others:
        by_sector.setdefault(enterprise.sector, []).append(enterprise)
    mixed = [e for group in zip(*by_sector.values(), strict=False) for e in group]  # round robin over sectors
    return first + mixed + [e for e in others if e not in mixed]


def load_demo_county(county: County, *, admin: User | None = None, now: datetime | None = None) -> int:
    """Play the county's requests; 0 if it already has some."""
    if Ticket.objects.filter(enterprise__region__path__contains=f"/{county.code}/").exists():
        return 0
    now = now or timezone.now()
    people = _People(county, admin)
    firms = itertools.cycle(_enterprises(county))
    requests = iter(REQUESTS * 3)
    stories: list[_Story] = []

    def story(days_ago: float, request: tuple[str, ...] | None = None) -> _Story:
        played = _Story(people, next(firms), now - timedelta(days=days_ago), request or next(requests))
        stories.append(played)
        return played

    # The walk-through enterprise: one request waiting for its information, one answer to rate.
    waiting = story(3)
    waiting.assign()
    waiting.respond()
    waiting.step(26, ticket_request_info, actor=waiting.unit_user, question="请补充上传近三个月的采购合同和发货单据。")
    to_rate = _Story(people, waiting.ticket.enterprise, now - timedelta(days=6), next(requests))
    stories.append(to_rate)
    to_rate.assign()
    to_rate.respond()
    to_rate.answer(4 * 24)

    for days_ago in (0.1, 0.4, 1.2):  # awaiting triage
        story(days_ago)
    for days_ago in (0.5, 1.0, 2.2):  # assigned; the oldest has missed its response deadline
        story(days_ago).assign()
    in_progress = ("产品进入商超渠道", "闭环生产防疫物资不足", "留抵退税政策咨询", "申请纾困贴息贷款")
    for days_ago, title in zip((1.5, 2.6, 3.5, 4.5), in_progress, strict=True):  # in progress; the urgent one due soon
        played = story(days_ago, _request(title))
        played.assign()
        played.respond()
    resumed = story(6)  # waited two days for the enterprise, then carried on
    resumed.assign()
    resumed.respond()
    resumed.step(30, ticket_request_info, actor=resumed.unit_user, question="请说明所需规格和数量。")
    resumed.step(78, ticket_provide_info, actor=resumed.user, text="规格和数量已补充，见附件说明。")
    for index, days_ago in enumerate((9, 11, 13)):  # overdue (normal: 7 days), the oldest under 督办
        played = story(days_ago, OVERDUE_REQUESTS[index])
        played.assign()
        played.respond(30 if index else 6)
        if index == 2:
            with _clock(played.filed + timedelta(days=8, hours=3)):
                notice_issue(
                    actor=people.supervision,
                    ticket=played.ticket,
                    text="该诉求已超过办理时限，请于24小时内报告办理进展和未按期办结原因。",
                )
    for days_ago in (4, 7):  # beyond the county's powers: escalated to the city
        played = story(days_ago, REQUESTS[0 if days_ago == 4 else 14])
        played.assign()
        played.respond()
        played.step(
            24,
            ticket_escalate,
            actor=played.unit_user,
            reason_code=EscalationReason.BEYOND_POWERS,
            reason="涉及跨省原料调运，超出本部门职权。",
        )
        played.step(
            28,
            ticket_escalate,
            actor=people.hq,
            reason_code=EscalationReason.MAJOR,
            reason=f"需{county.city}统筹协调，提请市指挥部办公室研究。",
        )

    _common_issues(county, people, story, now)

    for days_ago in (5, 8):  # answered, awaiting the enterprise's rating
        played = story(days_ago)
        played.assign()
        played.respond()
        played.answer(3 * 24, Outcome.PARTLY if days_ago == 8 else Outcome.RESOLVED)
    for days_ago, title in ((10, "包装纸箱采购困难"), (12, "塑料粒子价格上涨")):  # unsatisfied: reopened 4 days ago
        played = story(days_ago, _request(title))
        played.assign()
        played.respond()
        played.answer((days_ago - 6) * 24)
        played.rate((days_ago - 4) * 24, Satisfaction.UNSATISFIED, 2, "问题并未实际解决，供货仍未恢复，希望继续协调。")
    for days_ago in (8, 9):  # rated, awaiting verification
        played = story(days_ago)
        played.assign()
        played.respond()
        played.answer(3 * 24)
        played.rate(4 * 24, Satisfaction.BASIC if days_ago == 9 else Satisfaction.SATISFIED, 4)
    for days_ago in (11, 13):  # verified, awaiting closing
        played = story(days_ago)
        played.assign()
        played.respond()
        played.answer(2 * 24)
        played.rate(3 * 24, Satisfaction.SATISFIED, 5, "办理及时，非常感谢！")
        played.verify(4 * 24)
    for index, days_ago in enumerate((14, 16, 17.5, 19, 20.5)):  # closed; one answered late, one unresolvable
        played = story(days_ago)
        played.assign()
        played.respond(30 if index == 1 else 5)
        outcome = Outcome.UNRESOLVABLE if index == 3 else Outcome.RESOLVED
        played.answer((9 if index == 1 else 2 + index) * 24, outcome)
        played.rate(
            (10 if index == 1 else 3 + index) * 24, Satisfaction.BASIC if index == 3 else Satisfaction.SATISFIED, 4
        )
        played.verify((11 if index == 1 else 4 + index) * 24)
        played.close((11.5 if index == 1 else 4.5 + index) * 24)
    return len(stories)


def _common_issues(county: County, people: _People, story: Callable[..., _Story], now: datetime) -> None:
    """点办理、批处理: 物流通行证 answered once for four firms; 原料运输 linked, not yet answered."""
    transport = people.department(DepartmentFunction.TRANSPORT)
    if transport is None:
        raise ValueError(f"{county.name}没有交通运输部门")
    passes = [
        story(days_ago, (Category.LOGISTICS, Urgency.URGENT, "物流通行证办理难", text.format(city=county.city)))
        for days_ago, text in zip((18, 17, 16.5, 16), COMMON_PASS, strict=True)
    ]
    with _clock(now - timedelta(days=15, hours=20)):
        issue = common_issue_create(
            actor=people.hq,
            title="重点物资运输车辆通行证办理",
            description="多家企业反映原料和成品运输车辆通行证办理渠道不畅，属共性问题，交交通运输部门统一答复。",
            unit=transport,
            tickets=[played.ticket for played in passes],
        )
    with _clock(now - timedelta(days=14)):
        common_issue_answer(
            actor=people.of(transport),
            issue=issue,
            outcome=Outcome.RESOLVED,
            answer="已开通重点物资运输车辆通行证网上办理，企业在线申报后当日即可领取电子通行证；"
            "咨询电话在交通运输局值班室24小时受理。",
        )
    for played, (satisfaction, score) in zip(
        passes[:3], ((Satisfaction.SATISFIED, 5), (Satisfaction.BASIC, 4), (Satisfaction.SATISFIED, 5)), strict=True
    ):
        played.ticket = Ticket.objects.get(pk=played.ticket.pk)  # answered with its common issue
        played.rate(played.hours_until(now - timedelta(days=13)), satisfaction, score)
    passes[0].verify(passes[0].hours_until(now - timedelta(days=12)))

    linked = [
        story(days_ago, (Category.RAW_MATERIALS, Urgency.NORMAL, "原料运输受阻", text))
        for days_ago, text in zip((4, 3.2, 2.5), COMMON_TRANSPORT, strict=True)
    ]
    with _clock(now - timedelta(days=2)):
        common_issue_create(
            actor=people.hq,
            title="跨省原料运输司机隔离政策",
            description="多家企业反映外省原料运输车辆司机到厂后须隔离，运力紧张，需统一明确闭环运输政策。",
            unit=transport,
            tickets=[played.ticket for played in linked],
        )


def load_demo_tickets(*, admin: User | None = None) -> dict[str, int]:
    """Play the demo requests of both counties; returns how many were filed in each (0: already there)."""
    admin = admin or User.objects.filter(username="admin").first()
    return {county.prefix: load_demo_county(county, admin=admin) for county in COUNTIES}
