"""Shared fixtures: reference data and the named personas used across the suite."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sibao.accounts.models import User
from sibao.core.roles import Role
from sibao.core.sectors import Sector
from sibao.enterprises.models import Enterprise
from sibao.regions.models import Region

TEST_PASSWORD = "Persona#2026pw"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the regions once into each test database (tests roll back around them)."""
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def reference_data(db: Any) -> None:
    """All of Henan's regions. Loaded once per database; reloaded after a transactional test flushed it."""
    if not Region.objects.filter(code="410222").exists():
        call_command("load_regions", verbosity=0)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def township_of(county_code: str, name: str | None = None) -> Region:
    townships = Region.objects.filter(parent__code=county_code, level="township").order_by("code")
    return townships.get(name=name) if name else townships.first()  # type: ignore[return-value]


def client_for(user: User) -> Client:
    """A test client logged in as ``user`` (no password round trip: hashing is slow by design)."""
    client = Client()
    client.force_login(user)
    return client


def make_user(username: str, role: str, **fields: Any) -> User:
    user = User(username=username, role=role, display_name=username, **fields)
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
    user.set_password(TEST_PASSWORD)
    user.save()
    return user


@dataclass
class Personas:
    """Two counties of one city, another city's county, the province, and enterprises in each."""

    tongxu_hq: User
    tongxu_industry: User
    tongxu_commerce: User
    tongxu_township: User
    tongxu_epidemic: User
    tongxu_supervision: User
    tongxu_leader: User
    tongxu_epidemic_hq: User  # EM-4: the epidemic HQ's office, deciding shutdowns with the HQ office
    xinzheng_hq: User
    kaifeng_hq: User
    henan_hq: User
    admin: User
    ent_a_user: User
    ent_b_user: User
    # Enterprises
    ent_a: Enterprise  # 通许县 咸平街道, industry
    ent_b: Enterprise  # 通许县 other township, commerce
    ent_xinzheng: Enterprise  # 新郑市, industry

    def all_users(self) -> dict[str, User]:
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


@pytest.fixture
def personas(reference_data: None) -> Personas:
    from sibao.enterprises.tests.factories import EnterpriseFactory

    tongxu = region("410222")
    xianping = township_of("410222", "咸平街道")
    other_township = Region.objects.filter(parent=tongxu, level="township").exclude(pk=xianping.pk).order_by("code")[0]
    ent_a = EnterpriseFactory(name="通许县恒达机械制造有限公司", region=xianping, sector=Sector.INDUSTRY)
    ent_b = EnterpriseFactory(name="通许县惠民商贸有限公司", region=other_township, sector=Sector.COMMERCE)
    ent_xinzheng = EnterpriseFactory(
        name="新郑市华信食品有限公司", region=township_of("410184"), sector=Sector.INDUSTRY
    )
    return Personas(
        tongxu_hq=make_user("p_tongxu_hq", Role.HQ_OFFICE, region=tongxu),
        tongxu_industry=make_user("p_tongxu_industry", Role.SECTOR_DEPARTMENT, region=tongxu, sector=Sector.INDUSTRY),
        tongxu_commerce=make_user("p_tongxu_commerce", Role.SECTOR_DEPARTMENT, region=tongxu, sector=Sector.COMMERCE),
        tongxu_township=make_user("p_tongxu_township", Role.TOWNSHIP, region=xianping),
        tongxu_epidemic=make_user("p_tongxu_epidemic", Role.EPIDEMIC, region=tongxu),
        tongxu_supervision=make_user("p_tongxu_supervision", Role.SUPERVISION, region=tongxu),
        tongxu_leader=make_user("p_tongxu_leader", Role.LEADER, region=tongxu),
        tongxu_epidemic_hq=make_user("p_tongxu_epidemic_hq", Role.EPIDEMIC_HQ_OFFICE, region=tongxu),
        xinzheng_hq=make_user("p_xinzheng_hq", Role.HQ_OFFICE, region=region("410184")),
        kaifeng_hq=make_user("p_kaifeng_hq", Role.HQ_OFFICE, region=region("410200")),
        henan_hq=make_user("p_henan_hq", Role.HQ_OFFICE, region=region("410000")),
        admin=make_user("p_admin", Role.ADMINISTRATOR),
        ent_a_user=make_user("p_ent_a", Role.ENTERPRISE, enterprise=ent_a),
        ent_b_user=make_user("p_ent_b", Role.ENTERPRISE, enterprise=ent_b),
        ent_a=ent_a,
        ent_b=ent_b,
        ent_xinzheng=ent_xinzheng,
    )
