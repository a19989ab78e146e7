"""DB-5, OR-6: the published policies and their consultants, for anyone, without logging in. Cacheable: the
pages hold nothing personal, so a proxy may keep them for a few minutes."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_cookie

from sibao.policies.display import rule_rows
from sibao.policies.models import PolicyCategory
from sibao.policies.selectors import public_policies

PAGE_SIZE = 20
CACHE_SECONDS = 300


@cache_control(public=True, max_age=CACHE_SECONDS)
@vary_on_cookie
def public_policy_list(request: HttpRequest) -> HttpResponse:
    policies = public_policies()
    category = request.GET.get("category", "")
    if category in PolicyCategory.values:
        policies = policies.filter(category=category)
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "category": category, "categories": PolicyCategory.choices}
    return render(request, "public/policies.html", context)


@cache_control(public=True, max_age=CACHE_SECONDS)
@vary_on_cookie
def public_policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = public_policies().filter(pk=pk).first()
    if policy is None:
        raise Http404
    return render(request, "public/policy.html", {"policy": policy, "rows": rule_rows(policy.eligibility)})
