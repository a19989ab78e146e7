"""Issue 9 #6: rows that belong to one enterprise declare their scope one way (``EnterpriseScopedQuerySet``);
the three lookups follow from the path to the enterprise."""

from django.apps import apps

from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet


class ThroughVenue(EnterpriseScopedQuerySet, through="venue__enterprise"): ...


class OwnSector(EnterpriseScopedQuerySet, sector="sector"): ...


class OnlyMethods(ThroughVenue):
    def recent(self) -> "OnlyMethods":
        return self


def test_the_lookups_follow_from_the_path() -> None:
    assert (EnterpriseScopedQuerySet.scope_region_path, EnterpriseScopedQuerySet.scope_sector) == (
        "enterprise__region__path",
        "enterprise__sector",
    )
    assert EnterpriseScopedQuerySet.scope_enterprise == "enterprise_id"
    assert (ThroughVenue.scope_region_path, ThroughVenue.scope_sector, ThroughVenue.scope_enterprise) == (
        "venue__enterprise__region__path",
        "venue__enterprise__sector",
        "venue__enterprise_id",
    )
    assert (OwnSector.scope_region_path, OwnSector.scope_sector) == ("enterprise__region__path", "sector")
    assert OnlyMethods.scope_enterprise == "venue__enterprise_id"  # a subclass keeps its parent's path


def test_every_enterprise_owned_model_uses_the_one_declaration() -> None:
    """A model whose rows belong to an enterprise (other than the enterprise itself) does not spell out the
    lookups by hand."""
    for model in apps.get_models():
        queryset = type(model._default_manager.all())
        if not issubclass(queryset, ScopedQuerySet) or queryset.scope_enterprise in (None, "pk"):
            continue
        assert issubclass(queryset, EnterpriseScopedQuerySet), model
