import factory

from sibao.enterprises.tests.factories import EnterpriseFactory
from sibao.venues.models import Venue, VenueKind


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = VenueKind.ENTRANCE
    name = factory.Sequence(lambda n: f"场所{n}")
