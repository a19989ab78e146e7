"""Who acts (issue 9 #10): the kernel's permission checks type an actor by what they read of one, since the kernel
cannot import the accounts app's ``User``; apps type their services with ``User`` itself."""

from typing import Any, Protocol


class Actor(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def role(self) -> str: ...

    @property
    def region_id(self) -> int | None: ...

    @property
    def region(self) -> Any: ...

    @property
    def sector(self) -> str: ...
