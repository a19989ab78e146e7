"""Form fields shared by every app's pages (the page counterparts of ``api_types``)."""

from typing import Any

from django import forms

from sibao.core.api_types import MAX_ID


class IdField(forms.IntegerField):
    """A primary key read from a page (a filter's ``?enterprise=``): positive and inside a 64-bit column, so
    an oversized number is a form error on every database rather than a 500 (issue 8 #9)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
