"""Texts rendered in the reader's language (issue 9 #8, X-1).

A message written for someone else is read later, by a person who may have chosen English. So a
notification keeps what it takes to say it in any language — the English msgid and its parameters —
and is put into words when shown. ``later(gettext_noop("…%(name)s…"), name=…)`` builds one; parameters
may be plain values (names, numbers: data, never translated), lazy labels (``Outcome(x).label``:
translated when shown), dates and times (formatted when shown, in local time) or other ``later`` texts.

Stored form (JSON): ``{"msgid": str, "params": {name: value}}`` where a value is a JSON scalar or one of
``{"t": msgid, "c": context}`` (a translatable label), ``{"dt": iso}``, ``{"d": iso}``, ``{"text": {...}}`` or
``{"list": [...], "clauses": bool}`` (items joined with the reader's separator).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext


@dataclass(frozen=True)
class LaterText:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": {name: _encode(value) for name, value in self.params.items()}}

    def render(self) -> str:
        return render(self.as_json())

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class StoredText:
    """A text already in its stored form (e.g. another row's), used as a parameter."""

    stored: Mapping[str, Any]


@dataclass(frozen=True)
class Clauses:
    """Items that are phrases of their own ("口罩 现有 10，应储备 20"), joined with "；" rather than "、"."""

    items: tuple[Any, ...]


def later(msgid: str | Promise, /, **params: Any) -> LaterText:
    """A text to translate when it is read. Mark the msgid for extraction with ``gettext_noop`` (or pass a
    lazy string)."""
    context, text = _lazy_parts(msgid) if isinstance(msgid, Promise) else (None, str(msgid))
    if context is not None:  # a contextual msgid as the whole text: keep it as a label
        return LaterText("%(label)s", {"label": msgid})
    return LaterText(text, dict(params))


def _lazy_parts(value: Promise) -> tuple[str | None, str]:
    """(context, msgid) of a lazy ``gettext_lazy``/``pgettext_lazy`` string."""
    try:
        func, args, _kwargs = value.__reduce__()[1][:3]  # type: ignore[index,misc]
    except (AttributeError, IndexError, TypeError, ValueError):
        func, args = None, ()
    if func is pgettext and len(args) == 2:
        return str(args[0]), str(args[1])
    if func is gettext and len(args) == 1:
        return None, str(args[0])
    with translation.override(None):  # any other lazy text: its untranslated form
        return None, str(value)


def _encode(value: Any) -> Any:
    if isinstance(value, LaterText):
        return {"text": value.as_json()}
    if isinstance(value, StoredText):
        return {"text": dict(value.stored)}
    if isinstance(value, Promise):
        context, msgid = _lazy_parts(value)
        return {"t": msgid, "c": context} if context else {"t": msgid}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Clauses):
        return {"list": [_encode(item) for item in value.items], "clauses": True}
    if isinstance(value, list | tuple):
        return {"list": [_encode(item) for item in value]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return "" if value is None else value
    if "t" in value:
        return pgettext(value["c"], value["t"]) if value.get("c") else gettext(value["t"])
    if "dt" in value:
        moment = datetime.fromisoformat(value["dt"])
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else str(moment)
    if "d" in value:
        return value["d"]
    if "text" in value:
        return render(value["text"])
    if "list" in value:  # joined the reader's way: words "、" / ", ", clauses "；" / "; "
        separator = pgettext("list separator", "; ") if value.get("clauses") else pgettext("enumeration", ", ")
        return separator.join(str(_decode(item)) for item in value["list"])
    return ""


def render(stored: Any, fallback: str = "") -> str:
    """The stored text in the active language; ``fallback`` (the text as first written) if it cannot be read."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("msgid"), str):
        return fallback
    params = stored.get("params") or {}
    translated = gettext(stored["msgid"]) if stored["msgid"] else ""
    if not params:
        return translated
    try:
        return translated % {name: _decode(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return fallback or stored["msgid"]


def stored_words(text: str | Promise | LaterText, limit: int | None = None) -> tuple[str, dict[str, Any] | None]:
    """(the text in the platform's language, its stored form or None) for a column pair such as
    ``title``/``texts``: the words serve channels, searches and older readers; the stored form the reader.
    A plain string (a person's own words, or text from before) has no stored form: it is shown as written."""
    if isinstance(text, str) and not isinstance(text, Promise):
        return (text[:limit] if limit else text), None
    stored = (text if isinstance(text, LaterText) else later(text)).as_json()
    with translation.override(settings.LANGUAGE_CODE):
        plain = render(stored)
    return (plain[:limit] if limit else plain), stored
