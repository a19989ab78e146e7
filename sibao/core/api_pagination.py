"""List pagination for the API: bounded limit and offset (SQLite overflows on absurd offsets), and a count
that is exact up to ``core.pagination.EXACT_UP_TO`` rows and the planner's estimate beyond (issue 10: an exact
``COUNT(*)`` over a province's millions costs more than the page; ``estimated`` says which it is)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from sibao.core.pagination import bounded_count

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class SummaryPage:
    """Rows to page through (a queryset, e.g. of a summary) and how to turn one page of them into the items
    the endpoint returns (e.g. the live detail of just those rows)."""

    rows: QuerySet[Any]
    render: Callable[[Sequence[Any]], list[Any]]


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="总条数；超过 10,000 条时为估计值（estimated 为 true）")
        estimated: bool = False

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)  # type: ignore[arg-type]

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        rows = queryset.rows if isinstance(queryset, SummaryPage) else queryset
        if isinstance(rows, QuerySet):
            count, estimated = bounded_count(rows)
        else:
            count, estimated = len(rows), False
        items = rows[offset : offset + limit]
        if isinstance(queryset, SummaryPage):
            items = queryset.render(list(items))
        return {self.items_attribute: items, "count": count, "estimated": estimated}
