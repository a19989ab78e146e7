"""Reading rule parameters: the value in force for a region, and conditions that apply each row's own value.

The nearest override on a region's path wins (``410000/410200/410222/``: the county's own value, else the
city's, else the province's, else the registry default). Overrides are read once per key and request
(``parameters_cached``, installed by ``ParameterCacheMiddleware``), so a list that shows a parameter-driven
badge on every row costs one query, not one per row (issue 9 #4).

Region state (EM-1, issue 12 #4): while a region or one above it is in emergency, a parameter that has an
emergency value answers it — the nearest emergency override on the path, else the registry's
``emergency_default``; a parameter with neither keeps its normal value. Which regions are in emergency comes
from the app that records the switches, named on its AppConfig as ``region_state_source`` (a dotted path of a
function returning the paths of the regions whose emergency is in force now), read once per request too.
"""

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db import router
from django.db.models import Case, Q, When
from django.utils.module_loading import import_string

from sibao.core.rawsql import Columns, fetch_all, placeholders
from sibao.parameters.models import ParameterOverride
from sibao.parameters.registry import DEFINITIONS, Definition, definition
from sibao.regions.models import Region, RegionState

# key → {(region path, state): raw value}; "" → {(path, ""): True} for the regions in emergency.
# None outside a cached block (every read then asks the database).
_cache: ContextVar[dict[str, dict[tuple[str, str], Any]] | None] = ContextVar("sibao_parameter_cache", default=None)
_EMERGENCY_PATHS = ""


@contextmanager
def parameters_cached() -> Iterator[None]:
    """Read each parameter's overrides at most once inside this block (a request, a job run)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def forget_cached_parameters() -> None:
    """Drop what the current block has read (after an override is written or a region switched inside it)."""
    cache = _cache.get()
    if cache is not None:
        cache.clear()


def _spec(key: str | Definition) -> Definition:
    return definition(key) if isinstance(key, str) else key


def _all_overrides(spec: Definition) -> dict[tuple[str, str], Any]:
    cache = _cache.get()
    if cache is not None and spec.key in cache:
        return cache[spec.key]
    return _read_overrides([spec])[spec.key]


@functools.cache
def _override_columns() -> Columns:
    return Columns([ParameterOverride._meta.get_field(name) for name in ("key", "state", "value")])


def _read_overrides(specs: Sequence[Definition]) -> dict[str, dict[tuple[str, str], Any]]:
    """Every region's overrides of ``specs`` in one statement (written once: the checkpoint check reads its
    parameters on every call, issue 13), kept in the request's cache when there is one."""
    keys = list(dict.fromkeys(spec.key for spec in specs))
    found: dict[str, dict[tuple[str, str], Any]] = {key: {} for key in keys}
    using = router.db_for_read(ParameterOverride)
    columns = _override_columns()
    rows = fetch_all(
        f"SELECT o.key, o.state, o.value, r.path FROM {ParameterOverride._meta.db_table} o"
        f" JOIN {Region._meta.db_table} r ON r.id = o.region_id WHERE o.key IN ({placeholders(len(keys))})",
        keys,
        using,
    )
    for row in rows:
        key, state, value = columns.convert(row, using=using)
        found[key][(row[3], state)] = value
    cache = _cache.get()
    if cache is not None:
        cache.update(found)
    return found


def overrides_column(keys: Sequence[str | Definition], vendor: str) -> tuple[str, list[str]]:
    """A scalar subquery of every region's overrides of ``keys`` as JSON ``[[key, state, value, path], …]``
    (its SQL and parameters), for a statement written once that reads its parameters with its other rows in the
    same round trip (the checkpoint check, issue 13); ``parameter_values_from`` reads the column."""
    table, regions = ParameterOverride._meta.db_table, Region._meta.db_table
    keys_list = list(dict.fromkeys(_spec(key).key for key in keys))
    if vendor == "postgresql":
        aggregate = "json_agg(json_build_array(o.key, o.state, o.value, r.path))"
    else:  # SQLite keeps the value as JSON text: json() embeds it as JSON, not as a string
        aggregate = "json_group_array(json_array(o.key, o.state, json(o.value), r.path))"
    sql = (
        f"(SELECT {aggregate} FROM {table} o JOIN {regions} r ON r.id = o.region_id"
        f" WHERE o.key IN ({placeholders(len(keys_list))}))"
    )
    return sql, keys_list


def parameter_values_from(keys: Sequence[str | Definition], path: str, column: Any) -> tuple[Any, ...]:
    """``parameter_values_at(keys, path)`` with the overrides an ``overrides_column`` read (no query for them;
    they join the request's cache as ``_read_overrides`` would put them there)."""
    specs = [_spec(key) for key in keys]
    rows = json.loads(column) if isinstance(column, (str, bytes)) else column
    found: dict[str, dict[tuple[str, str], Any]] = {spec.key: {} for spec in specs}
    for key, state, value, region_path in rows or ():
        found[key][(region_path, state)] = value
    cache = _cache.get()
    if cache is None:
        with parameters_cached():
            cached = _cache.get()
            assert cached is not None
            cached.update(found)
            return tuple(parameter_value_at(spec, path) for spec in specs)
    cache.update(found)
    return tuple(parameter_value_at(spec, path) for spec in specs)


def overrides(key: str | Definition, state: str = RegionState.NORMAL) -> dict[str, Any]:
    """``{region path: raw value}`` of every region that sets its own value of ``key`` for ``state``."""
    return {path: value for (path, of_state), value in _all_overrides(_spec(key)).items() if of_state == state}


def emergency_paths() -> frozenset[str]:
    """Paths of the regions whose own emergency is in force now (their subtrees are in emergency too)."""
    cache = _cache.get()
    if cache is not None and _EMERGENCY_PATHS in cache:
        return frozenset(path for path, _state in cache[_EMERGENCY_PATHS])
    paths: set[str] = set()
    for config in apps.get_app_configs():
        source = getattr(config, "region_state_source", None)
        if source:
            paths.update(import_string(source)())
    if cache is not None:
        cache[_EMERGENCY_PATHS] = {(path, ""): True for path in paths}
    return frozenset(paths)


def has_emergency_value(key: str | Definition) -> bool:
    """Whether the parameter differs at all in an emergency (a registry value or any region's own)."""
    spec = _spec(key)
    return spec.emergency_default is not None or bool(overrides(spec, RegionState.EMERGENCY))


def state_at(path: str) -> str:
    """The state of the region whose path is ``path``: emergency when it or a region above it is in emergency."""
    if path and any(path.startswith(root) for root in emergency_paths()):
        return RegionState.EMERGENCY
    return RegionState.NORMAL


def _nearest(values: dict[str, Any], path: str) -> str | None:
    return max((p for p in values if path.startswith(p)), key=len, default=None)


class Origin(StrEnum):
    """Where a region's value of a parameter comes from."""

    REGION = "region"  # a region's own value: this region's or the nearest above it that sets one
    DEFAULT = "default"  # the registry's default (the seeds' number)
    EMERGENCY_DEFAULT = "emergency_default"  # the registry's value for the emergency state
    NORMAL = "normal"  # no emergency value anywhere on the path: the emergency value is the normal one


def _resolved(spec: Definition, path: str, state: str) -> tuple[Any, Origin, str]:
    """The value of ``spec`` for the region at ``path`` in ``state``, where it comes from and the path of the
    region that set it ("" unless ``Origin.REGION``) — the one reading of "nearest override wins"."""
    if state == RegionState.EMERGENCY:
        emergency = overrides(spec, RegionState.EMERGENCY)
        nearest = _nearest(emergency, path)
        if nearest is not None:
            return spec.parse(emergency[nearest]), Origin.REGION, nearest
        if spec.emergency_default is not None:
            return spec.parse(spec.emergency_default), Origin.EMERGENCY_DEFAULT, ""
        return _resolved(spec, path, RegionState.NORMAL)[0], Origin.NORMAL, ""
    normal = overrides(spec)
    nearest = _nearest(normal, path)
    if nearest is None:
        return spec.parse(spec.default), Origin.DEFAULT, ""
    return spec.parse(normal[nearest]), Origin.REGION, nearest


def parameter_value_at(key: str | Definition, path: str, *, state: str | None = None) -> Any:
    """The value in force for the region whose path is ``path`` ("" for none: the default), in ``state``
    (None: the region's state now)."""
    spec = _spec(key)
    if state is None:
        state = state_at(path) if has_emergency_value(spec) else RegionState.NORMAL
    return _resolved(spec, path, state)[0]


def parameter_values_at(keys: Sequence[str | Definition], path: str) -> tuple[Any, ...]:
    """``parameter_value_at`` of each of ``keys`` for one region, their overrides read in one statement."""
    specs = [_spec(key) for key in keys]
    cache = _cache.get()
    missing = [spec for spec in specs if cache is None or spec.key not in cache]
    if cache is None:
        with parameters_cached():
            _read_overrides(missing)
            return tuple(parameter_value_at(spec, path) for spec in specs)
    if missing:
        _read_overrides(missing)
    return tuple(parameter_value_at(spec, path) for spec in specs)


def parameter_value(key: str | Definition, region: Region | None, *, state: str | None = None) -> Any:
    """The value in force for ``region``: its own override, else its nearest ancestor's, else the default —
    the emergency value while the region is in emergency (``state`` forces one state)."""
    return parameter_value_at(key, region.path if region is not None else "", state=state)


def parameter_q(keys: Sequence[str | Definition], region_field: str, build: Callable[[tuple[Any, ...]], Q]) -> Q:
    """One condition over rows of many regions, each judged by the values in force for its own region.

    ``region_field`` is the path to the row's region (e.g. ``"enterprise__region"``); ``build`` turns the
    values of ``keys`` (in that order) into a condition. Without overrides this is ``build(defaults)`` and
    adds no join; with overrides (or regions in emergency, for parameters with an emergency value), each such
    subtree (deepest first) gets its own values and the rest of the province the defaults — one branch per
    subtree, whatever the number of rows. A subtree is a region-id subquery (an indexed prefix scan of the
    small region table), not a join to every row's region.
    """
    specs = [_spec(key) for key in keys]

    def values_at(path: str) -> tuple[Any, ...]:
        return tuple(parameter_value_at(spec, path) for spec in specs)

    def subtree(path: str) -> Q:
        return Q(**{f"{region_field}__in": Region.objects.filter(path__startswith=path).values("pk")})

    paths_set = {path for spec in specs for path, _state in _all_overrides(spec)}
    if any(has_emergency_value(spec) for spec in specs):
        paths_set |= emergency_paths()
    paths = sorted(paths_set, key=len, reverse=True)
    if not paths:
        return build(values_at(""))
    branches: list[Q] = []
    for index, path in enumerate(paths):
        # Deeper subtrees inside this one were given their own branch already.
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


@dataclass(frozen=True)
class Setting:
    """A region's value of a parameter in one state, and where it comes from."""

    value: Any
    origin: Origin
    region: Region | None  # the region whose own value it is (``Origin.REGION``)
    own: ParameterOverride | None  # this region's own override (its note, who set it and when), if any

    @property
    def is_own(self) -> bool:
        return self.own is not None


@dataclass(frozen=True)
class ParameterRow:
    definition: Definition
    group: str  # the app the parameter belongs to (its key's prefix), for the page's headings
    default: Any
    emergency_default: Any  # None: the registry has no value of its own for the emergency state
    normal: Setting
    emergency: Setting
    in_force: Any  # the value of the region's state now
    set_below: int  # regions under this one with a value of their own (either state)


def parameter_table(region: Region, keys: Sequence[str] | None = None) -> list[ParameterRow]:
    """Every parameter (or those of ``keys``) with ``region``'s value in normal state and in emergency, where each
    comes from, and the one in force now (the rule numbers' page and API). Constant queries: the overrides of
    the keys, the regions on the path, this region's own overrides and the regions in emergency."""
    specs = list(DEFINITIONS.values()) if keys is None else [definition(key) for key in keys]
    with parameters_cached():
        found = _read_overrides(specs)
        state = state_at(region.path)
        own = {
            (override.key, override.state): override
            for override in ParameterOverride.objects.filter(
                region=region, key__in=[spec.key for spec in specs]
            ).select_related("updated_by")
        }
        on_path = _regions_on_path(region)
        labels = {config.label: str(config.verbose_name) for config in apps.get_app_configs()}

        def setting(spec: Definition, of_state: str) -> Setting:
            value, origin, source = _resolved(spec, region.path, of_state)
            return Setting(value, origin, on_path.get(source), own.get((spec.key, of_state)))

        rows = []
        for spec in specs:
            normal, emergency = setting(spec, RegionState.NORMAL), setting(spec, RegionState.EMERGENCY)
            below = {path for path, _state in found[spec.key] if path.startswith(region.path) and path != region.path}
            prefix = spec.key.split(".", 1)[0]
            rows.append(
                ParameterRow(
                    definition=spec,
                    group=labels.get(prefix, prefix),
                    default=spec.parse(spec.default),
                    emergency_default=None if spec.emergency_default is None else spec.parse(spec.emergency_default),
                    normal=normal,
                    emergency=emergency,
                    in_force=emergency.value if state == RegionState.EMERGENCY else normal.value,
                    set_below=len(below),
                )
            )
    return rows


def inherited_settings(region: Region, key: str) -> tuple[Setting, Setting]:
    """The normal and emergency values ``region`` would have without values of its own: those of the region
    above it (the page shows them as what a blank field means)."""
    spec = definition(key)
    parent_path = region.path[: region.path.rstrip("/").rfind("/") + 1]
    on_path = _regions_on_path(region)
    with parameters_cached():
        _read_overrides([spec])
        settings = []
        for state in (RegionState.NORMAL, RegionState.EMERGENCY):
            value, origin, source = _resolved(spec, parent_path, state)
            settings.append(Setting(value, origin, on_path.get(source), None))
    return settings[0], settings[1]


def _regions_on_path(region: Region) -> dict[str, Region]:
    """``{path: region}`` of ``region`` and every region above it."""
    codes = region.ancestor_codes()
    paths = ["/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]
    return {found.path: found for found in Region.objects.filter(path__in=paths)}


def parameters_differing_in_emergency(region: Region) -> list[dict[str, Any]]:
    """The parameters whose value for ``region`` is not the same in emergency as in normal state (issue 12 #4:
    the region's state page shows what the switch tightens)."""
    rows = []
    for spec in DEFINITIONS.values():
        if not has_emergency_value(spec):
            continue
        normal = parameter_value(spec, region, state=RegionState.NORMAL)
        emergency = parameter_value(spec, region, state=RegionState.EMERGENCY)
        if normal != emergency:
            rows.append({"definition": spec, "normal": normal, "emergency": emergency})
    return rows
