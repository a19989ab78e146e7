import itertools

import factory

from sibao.core.sectors import Sector
from sibao.core.validators import uscc_with_check_digits
from sibao.enterprises.models import Enterprise
from sibao.enterprises.search import name_initials, name_pinyin

_serial = itertools.count(1)


def valid_uscc(county_code: str = "410222") -> str:
    """A fresh, valid 统一社会信用代码 for tests (body 'T' + 7 digits never collides with demo data)."""
    return uscc_with_check_digits(f"91{county_code}T{next(_serial):07d}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyAttribute(
        lambda obj: valid_uscc(obj.region.path.split("/")[2] if obj.region.level != "city" else "410200")
    )
    sector = Sector.INDUSTRY
    name_initials = factory.LazyAttribute(lambda obj: name_initials(obj.name))
    name_pinyin = factory.LazyAttribute(lambda obj: name_pinyin(obj.name))
    output_value = 1000
    employee_count = 100
