"""DB-5: what anyone sees without logging in — the batches (WL-5), the removals (WL-8), the criteria (WL-2).

Everything here is published on purpose, so these reads are not scoped to a user: only published
batches, confirmed removals and published criteria are shown, never an application.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from sibao.core.pagination import page_of
from sibao.core.tabular import write_xlsx
from sibao.core.views import xlsx_response
from sibao.regions.models import Region
from sibao.whitelist.forms import RegionFilterForm
from sibao.whitelist.selectors import (
    listing_place,
    public_listing_rows,
    public_listings,
    published_criteria,
    regions_with_listings,
    rule_tree,
)

# The download is a document in its own right: its columns are fixed Chinese words whatever the
# visitor's page language (like the registry's import format).
XLSX_HEADERS = (
    "批次",
    "公布地区",
    "公布日期",
    "企业（项目）名称",
    "统一社会信用代码",
    "所属行业",
    "所在地区",
    "状态",
    "移出日期",
    "移出原因",
)
XLSX_FILENAME = "四保白名单企业名单.xlsx"
PUBLIC_PAGE_SIZE = 50
REMOVALS_PAGE_SIZE = 20
PUBLIC_MAX_AGE = 300  # seconds a shared cache may serve the anonymous page


def _region_filter(request: HttpRequest) -> tuple[RegionFilterForm, Region | None]:
    form = RegionFilterForm(request.GET or None)
    region = None
    if form.is_valid() and form.cleaned_data.get("region"):
        region = Region.objects.filter(code=form.cleaned_data["region"]).first()
        if region is None:
            form.add_error("region", _("Unknown region code."))
    return form, region


def _publicly_cacheable(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Issue 10: the published list is the same for every anonymous visitor, so shared caches and browsers may
    keep it for ``PUBLIC_MAX_AGE`` seconds (a burst of visitors reaches the server once); a logged-in visitor's
    page carries their navigation and stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def whitelist(request: HttpRequest) -> HttpResponse:
    """WL-5 / WL-8, paginated (issue 10): a province publishes ~20,000 listings; the page shows
    ``PUBLIC_PAGE_SIZE`` of them grouped by batch, the removals likewise, and the Excel download has all."""
    form, region = _region_filter(request)
    listings = public_listings(region)
    removals = listings.filter(removed_at__isnull=False).order_by("-removed_at", "-pk")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("removals_page", None)
    context = {
        "form": form,
        "region": region,
        "regions": regions_with_listings(),
        "page": page_of(request, public_listing_rows(listings), PUBLIC_PAGE_SIZE),
        "removals_page": page_of(request, removals, REMOVALS_PAGE_SIZE, param="removals_page"),
        "query_string": query.urlencode(),
        "listed_count": listings.filter(removed_at__isnull=True).count(),
    }
    return _publicly_cacheable(render(request, "public/whitelist.html", context), request)


def whitelist_xlsx(request: HttpRequest) -> HttpResponse:
    _form, region = _region_filter(request)
    listings = public_listings(region).order_by("batch__region__path", "batch__number", "enterprise__name")
    with translation.override("zh-hans"):
        rows = [
            (
                str(listing.batch),
                listing.batch.region.name,
                timezone.localtime(listing.batch.published_at).date(),
                listing.enterprise.name,
                listing.enterprise.uscc,
                listing.get_sector_display(),
                listing_place(listing),
                "已移出" if listing.removed_at else "在列",
                timezone.localtime(listing.removed_at).date() if listing.removed_at else "",
                listing.get_removal_reason_display() if listing.removed_at else "",
            )
            for listing in listings
        ]
        content = write_xlsx(XLSX_HEADERS, rows, sheet_title="四保白名单")
    return xlsx_response(content, XLSX_FILENAME)


def criteria(request: HttpRequest) -> HttpResponse:
    form, region = _region_filter(request)
    items = [{"criteria": item, "tree": rule_tree(item.rule)} for item in published_criteria(region)]
    regions = Region.objects.filter(code__in=published_criteria(None).values("region__code")).order_by("path")
    return render(request, "public/criteria.html", {"form": form, "region": region, "items": items, "regions": regions})
