"""Users carry their role and the anchor of their data scope (region, sector, enterprise)."""

import functools
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sibao.core.rawsql import Columns, db_datetime, fetch_one
from sibao.core.roles import Role, has_capability
from sibao.core.sectors import Sector


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ENTERPRISE)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def can(self, capability: str) -> bool:
        return has_capability(self, capability)


def token_hash(raw: str) -> str:
    """What is stored of an API token (``ApiToken.key_hash``)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def find(self, raw: str) -> "ApiToken | None":
        """The usable token whose hash is ``raw``'s, with its user and the user's region loaded — what
        ``usable().select_related("user", "user__region").filter(key_hash=…)`` reads, in a statement written
        once: every API call of another system authenticates here, and compiling that query cost more than
        running it (issue 13, ``pass_check_http_ratio``)."""
        using = router.db_for_read(ApiToken)
        sql, token_columns, user_columns, region_columns = _token_statement()
        row = fetch_one(sql, [token_hash(raw), db_datetime(timezone.now(), using)], using)
        if row is None:
            return None
        token = ApiToken.from_db(using, _names(token_columns), token_columns.convert(row, using=using))
        user = User.from_db(
            using, _names(user_columns), user_columns.convert(row, using=using, offset=len(token_columns))
        )
        region = None
        if user.region_id is not None:
            offset = len(token_columns) + len(user_columns)
            values = region_columns.convert(row, using=using, offset=offset)
            region = _region_model().from_db(using, _names(region_columns), values)
        user._state.fields_cache["region"] = region
        token._state.fields_cache["user"] = user
        return token


def _region_model() -> Any:
    return User._meta.get_field("region").related_model


def _names(columns: Columns) -> list[str]:
    return [field.attname for field in columns.fields]


@functools.cache
def _token_statement() -> tuple[str, Columns, Columns, Columns]:
    region_model = _region_model()
    tokens, users, regions = (Columns(model._meta.concrete_fields) for model in (ApiToken, User, region_model))
    select = ", ".join(
        f"{alias}.{field.column}"
        for alias, columns in (("t", tokens), ("u", users), ("r", regions))
        for field in columns.fields
    )
    sql = (
        f"SELECT {select} FROM {ApiToken._meta.db_table} t"
        f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
        f" LEFT JOIN {region_model._meta.db_table} r ON r.id = u.region_id"
        # usable(): not revoked, the user active, not expired
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
        " AND (t.expires_at IS NULL OR t.expires_at > %s)"
        " ORDER BY t.id LIMIT 1"
    )
    return sql, tokens, users, regions


class ApiToken(models.Model):
    """A token for another system (X-5). Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (raw, prefix, hash) for a new token."""
        raw = "sb_" + secrets.token_urlsafe(32)
        return raw, raw[:8], token_hash(raw)


class RefusedReadCounter(models.Model):
    """Refused reads (403/404) per user in the current window, so that someone walking through ids they
    may not see is written to the audit log once the count reaches a threshold (issue 8 #7)."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    window_started_at = models.DateTimeField(_("window started at"))
    count = models.PositiveIntegerField(_("refused reads"), default=0)

    class Meta:
        verbose_name = _("refused read counter")
        verbose_name_plural = _("refused read counters")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.count}"
