"""Scoped reads of the registry (EN-1). Every page and API endpoint reads enterprises through here."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.http import Http404

from sibao.enterprises.models import Enterprise, EnterpriseQuerySet, EnterpriseRecord, Pairing, SupplyChainLink
from sibao.regions.models import Region

FLAG_FIELDS = ("above_designated_size", "specialised_sme", "leader_linked", "livelihood", "city_operation")


@dataclass(frozen=True)
class EnterpriseFilters:
    query: str = ""
    region_code: str = ""
    sector: str = ""
    kind: str = ""
    flag: str = ""


def enterprise_list(*, user: Any, filters: EnterpriseFilters | None = None) -> EnterpriseQuerySet:
    filters = filters or EnterpriseFilters()
    queryset = Enterprise.objects.visible_to(user).select_related("region", "region__parent")
    if filters.query:
        term = filters.query.strip()
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(name_initials__startswith=term.lower()) | Q(uscc__iexact=term.upper())
        )
    if filters.region_code:
        region = Region.objects.filter(code=filters.region_code).first()
        queryset = queryset.filter(region__path__startswith=region.path) if region else queryset.none()
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.flag in FLAG_FIELDS:
        queryset = queryset.filter(**{filters.flag: True})
    return queryset


def enterprise_get(*, user: Any, pk: int) -> Enterprise:
    """The enterprise if in the user's scope, else 404."""
    return Enterprise.objects.select_related("region", "region__parent").get_visible(user, pk=pk)


def enterprise_relations(*, user: Any, enterprise: Enterprise) -> dict[str, Any]:
    """Supply-chain partners and pairings, limited to partners the user may also see."""
    visible_ids = Enterprise.objects.visible_to(user).values("pk")
    return {
        "suppliers": enterprise.supplier_links.filter(supplier__in=visible_ids).select_related("supplier"),
        "customers": enterprise.customer_links.filter(customer__in=visible_ids).select_related("customer"),
        "pairings": enterprise.pairings.filter(partner__in=visible_ids).select_related("partner"),
        "records": enterprise.records.all(),
    }


def regions_for_filter(*, user: Any) -> list[Region]:
    """Counties and townships the user may filter by (its own subtree)."""
    regions = Region.objects.active().exclude(level="province")
    if not (user.is_superuser or user.role == "administrator"):
        if user.region_id is None:
            return []
        regions = regions.filter(path__startswith=user.region.path)
    return list(regions.filter(level__in=["city", "county"]).order_by("code"))


class RelationKind(StrEnum):
    """How the page's remove links and the API name a relation: a supply-chain link (either direction) or a
    pairing."""

    SUPPLY = "supply"
    PAIRING = "pairing"


def enterprise_relation_get(*, user: Any, enterprise: Enterprise, kind: str, pk: int) -> SupplyChainLink | Pairing:
    """A relation of ``enterprise`` (already fetched in scope) whose partner the user may also see."""
    visible_ids = Enterprise.objects.visible_to(user).values("pk")
    if kind == RelationKind.SUPPLY:
        links = SupplyChainLink.objects.filter(Q(supplier=enterprise) | Q(customer=enterprise))
        found = links.filter(supplier__in=visible_ids, customer__in=visible_ids, pk=pk).first()
    elif kind == RelationKind.PAIRING:
        found = enterprise.pairings.filter(partner__in=visible_ids, pk=pk).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found


def enterprise_record_get(*, user: Any, enterprise: Enterprise, pk: int) -> EnterpriseRecord:
    """A dated record of ``enterprise`` (already fetched in scope), else 404."""
    record = EnterpriseRecord.objects.visible_to(user).filter(enterprise=enterprise, pk=pk).first()
    if record is None:
        raise Http404
    record.enterprise = enterprise
    return record
