from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sibao.notifications.texts import render


class NotificationQuerySet(models.QuerySet["Notification"]):
    def inbox_of(self, user: object) -> "NotificationQuerySet":
        """A user's own messages plus those addressed to the enterprise the user works for."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Q(user=user)
        enterprise_id = getattr(user, "enterprise_id", None)
        if enterprise_id:
            mine |= Q(enterprise_id=enterprise_id)
        return self.filter(mine)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in an in-app inbox: a user's, or an enterprise's (seen by all its users)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=64, help_text=_("Stable code, e.g. whitelist.approved"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    # What it takes to say title and body in the reader's language (``texts.later``): {"title": …, "body": …}.
    # ``title``/``body`` keep the words in the platform's language for channels and for rows written before.
    texts = models.JSONField(_("texts to translate"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(enterprise__isnull=False), name="notification_has_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "created_at", "id"], name="notification_user_newest"),  # the inbox's page
            models.Index(fields=["enterprise", "read_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (issue 9 #8); rows without texts as they were written."""
        return render(self.texts.get("title"), self.title) if self.texts else self.title

    @property
    def shown_body(self) -> str:
        return render(self.texts.get("body"), self.body) if self.texts else self.body
