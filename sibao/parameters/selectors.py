"""Reading rule parameters: the value in force for a region, and conditions that apply each row's own value.

The nearest override on a region's path wins (``410000/410200/410222/``: the county's own value, else the
city's, else the province's, else the registry default). Overrides are read once per key and request
(``parameters_cached``, installed by ``ParameterCacheMiddleware``), so a list that shows a parameter-driven
badge on every row costs one query, not one per row (issue 9 #4).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case, Q, When

from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import Definition, definition
from sibao.regions.models import Region

# key → {region path: raw value}; None outside a cached block (every read then asks the database).
_cache: ContextVar[dict[str, dict[str, Any]] | None] = ContextVar("sibao_parameter_cache", default=None)


@contextmanager
def parameters_cached() -> Iterator[None]:
    """Read each parameter's overrides at most once inside this block (a request, a job run)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def forget_cached_parameters() -> None:
    """Drop what the current block has read (after an override is written inside it)."""
    cache = _cache.get()
    if cache is not None:
        cache.clear()


def _spec(key: str | Definition) -> Definition:
    return definition(key) if isinstance(key, str) else key


def overrides(key: str | Definition) -> dict[str, Any]:
    """``{region path: raw value}`` of every region that sets its own value of ``key``."""
    spec = _spec(key)
    cache = _cache.get()
    if cache is not None and spec.key in cache:
        return cache[spec.key]
    found = dict(ParameterOverride.objects.filter(key=spec.key).values_list("region__path", "value"))
    if cache is not None:
        cache[spec.key] = found
    return found


def parameter_value_at(key: str | Definition, path: str) -> Any:
    """The value in force for the region whose path is ``path`` ("" for none: the default)."""
    spec = _spec(key)
    nearest = max((p for p in overrides(spec) if path.startswith(p)), key=len, default=None)
    return spec.parse(spec.default if nearest is None else overrides(spec)[nearest])


def parameter_value(key: str | Definition, region: Region | None) -> Any:
    """The value in force for ``region``: its own override, else its nearest ancestor's, else the default."""
    return parameter_value_at(key, region.path if region is not None else "")


def parameter_q(keys: Sequence[str | Definition], region_field: str, build: Callable[[tuple[Any, ...]], Q]) -> Q:
    """One condition over rows of many regions, each judged by the values in force for its own region.

    ``region_field`` is the path to the row's region (e.g. ``"enterprise__region"``); ``build`` turns the
    values of ``keys`` (in that order) into a condition. Without overrides this is ``build(defaults)`` and
    adds no join; with overrides, each overriding subtree (deepest first) gets its own values and the rest
    of the province the defaults — one branch per override, whatever the number of rows. A subtree is a
    region-id subquery (an indexed prefix scan of the small region table), not a join to every row's region.
    """
    specs = [_spec(key) for key in keys]

    def values_at(path: str) -> tuple[Any, ...]:
        return tuple(parameter_value_at(spec, path) for spec in specs)

    def subtree(path: str) -> Q:
        return Q(**{f"{region_field}__in": Region.objects.filter(path__startswith=path).values("pk")})

    paths = sorted({path for spec in specs for path in overrides(spec)}, key=len, reverse=True)
    if not paths:
        return build(values_at(""))
    branches: list[Q] = []
    for index, path in enumerate(paths):
        # Deeper overrides inside this subtree were given their own branch already.
        branch = subtree(path) & build(values_at(path))
        for deeper in paths[:index]:
            if deeper.startswith(path):
                branch &= ~subtree(deeper)
        branches.append(branch)
    rest = build(values_at(""))
    for path in paths:
        if not any(path != other and path.startswith(other) for other in paths):
            rest &= ~subtree(path)
    return reduce(or_, [*branches, rest])


def parameter_expression(key: str | Definition, region_field: str, build: Callable[[Any], Any]) -> Any:
    """An SQL expression of the value of ``key`` in force for each row's own region (issue 10: summaries
    computed set-based); ``build`` turns a value into an expression (``Value(v)``, a comparison …).

    ``region_field`` is the path to the row's region id (e.g. ``"region"``). Without overrides this is
    ``build(default)``; otherwise ``CASE`` with one branch per overriding subtree, deepest first, so that the
    nearest override wins as in ``parameter_value`` — the expression counterpart of ``parameter_q``."""
    spec = _spec(key)
    paths = sorted(overrides(spec), key=len, reverse=True)
    default = build(parameter_value_at(spec, ""))
    if not paths:
        return default
    branches = [
        When(
            Q(**{f"{region_field}__in": Region.objects.filter(path__startswith=path).values("pk")}),
            then=build(parameter_value_at(spec, path)),
        )
        for path in paths
    ]
    return Case(*branches, default=default)


def parameters_for(region: Region | None) -> list[dict[str, Any]]:
    """Every parameter with its default and the value in force for ``region`` (for the parameters page)."""
    from sibao.parameters.registry import DEFINITIONS

    return [
        {"definition": spec, "default": spec.parse(spec.default), "value": parameter_value(spec, region)}
        for spec in DEFINITIONS.values()
    ]
