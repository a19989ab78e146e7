"""Load reference data and demo data. Idempotent: a second run changes nothing."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from sibao.accounts.demo import load_demo_users
from sibao.enterprises.demo import load_demo_enterprises
from sibao.epidemic.demo import load_demo_employees
from sibao.health.demo import load_demo_health
from sibao.incidents.demo import load_demo_incidents
from sibao.readiness.demo import load_demo_readiness
from sibao.sentinel.demo import load_demo_sentinel
from sibao.tickets.demo import load_demo_tickets
from sibao.venues.demo import load_demo_venues
from sibao.whitelist.demo import load_demo_whitelist


class Command(BaseCommand):
    help = "加载参考数据（行政区划、组织机构）和演示数据（企业、用户、白名单）"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_regions", verbosity=options["verbosity"])
        call_command("load_organisation", verbosity=options["verbosity"])
        with transaction.atomic():
            counts = load_demo_enterprises(stdout=self.stdout if options["verbosity"] > 1 else None)
            users = load_demo_users()
            whitelist = load_demo_whitelist()
            tickets = load_demo_tickets()
            epidemic = load_demo_employees()
            venues = load_demo_venues()
            health = load_demo_health()
            readiness = load_demo_readiness()
            incidents = load_demo_incidents()
            sentinel = load_demo_sentinel()
        self.stdout.write(
            "演示数据：新增企业（项目）{enterprises}，不良记录 {records}，供应链关系 {supply_links}，"
            "结对合作 {pairings}；演示用户 {users} 个".format(users=len(users), **counts)
        )
        self.stdout.write(
            "演示白名单：发布遴选标准 {criteria}，新增申报 {applications}，列入白名单 {listed}，"
            "包保安排 {liaisons}".format(**whitelist)
        )
        self.stdout.write("演示诉求：通许县 {tongxu} 件，新郑市 {xinzheng} 件".format(**tickets))
        self.stdout.write("演示防疫：新增员工 {employees} 人，核酸结果 {results} 条".format(**epidemic))
        self.stdout.write(
            "演示场所码：企业 {enterprises} 家，新增场所码 {venues} 个，扫码记录 {scans} 条".format(**venues)
        )
        self.stdout.write(
            "演示健康监测：风险区域 {risk_areas} 个，日报 {reports} 份，入豫报备 {arrivals} 人，"
            "未报备到访 {sightings} 人".format(**health)
        )
        self.stdout.write(
            "演示常态常备：企业 {enterprises} 家，库存报送 {stock_reports} 条，应急演练 {drills} 次，"
            "物资不足 {short} 家".format(**readiness)
        )
        self.stdout.write(
            "演示应急处置：已结案 {closed}，留观中 {open}，复核超时 {overdue}，复核阳性 {confirmed}，"
            "密接 {contacts}，停产申请 {shutdown_requests}".format(**incidents)
        )
        self.stdout.write(
            "演示电子哨预警：超时未检预警 {raised} 条，购药记录 {purchases} 条，购药预警 {drug_warnings} 条，"
            "办结 {closed} 条".format(**sentinel)
        )
