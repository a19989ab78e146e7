"""RQ-1…RQ-8: an enterprise's request (诉求) from filing to 销号, common issues, routing rules, 督办 notices."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sibao.core.roles import Role
from sibao.core.scope import EnterpriseScopedQuerySet, ScopedQuerySet, scope_q
from sibao.organisation.models import DepartmentFunction


class Category(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw material purchasing")
    LABOUR = "labour", _("Labour needs")
    LOGISTICS = "logistics", _("Logistics and transport")
    MARKET = "market", _("Market development")
    POLICY = "policy", _("Policy support")
    FINANCE = "finance", _("Funding and financing")
    UTILITIES = "utilities", _("Power, water and gas")
    EPIDEMIC = "epidemic", _("Epidemic protection")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class TicketState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting assignment")  # with the HQ office of ``holder_region``
    ASSIGNED = "assigned", _("Assigned, awaiting response")
    IN_PROGRESS = "in_progress", _("Being handled")
    WAITING = "waiting", _("Waiting for the enterprise")  # the deadline clock is paused
    LINKED = "linked", _("Linked to a common issue")
    ANSWERED = "answered", _("Answered, awaiting rating")
    RATED = "rated", _("Rated, awaiting verification")
    VERIFIED = "verified", _("Verified, awaiting closing")
    CLOSED = "closed", _("Closed")


# States in which the responsible unit's deadline runs (or is paused, in WAITING).
HANDLING_STATES = [TicketState.ASSIGNED, TicketState.IN_PROGRESS, TicketState.WAITING, TicketState.LINKED]


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    UNRESOLVABLE = "unresolvable", _("Cannot be resolved")
    OUTSIDE_REMIT = "outside_remit", _("Outside our remit")
    DUPLICATE = "duplicate", _("Duplicate")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class EscalationReason(models.TextChoices):
    BEYOND_POWERS = "beyond_powers", _("Beyond this unit's powers")
    MAJOR = "major", _("Major problem")


class TicketQuerySet(EnterpriseScopedQuerySet):
    def visible_to(self, user: object):  # type: ignore[no-untyped-def]
        """A department sees what its unit holds or has held and what it filed for an enterprise (RQ scope);
        other roles their region subtree."""
        if getattr(user, "role", None) == Role.SECTOR_DEPARTMENT and getattr(user, "is_active", False):
            unit_id = getattr(user, "unit_id", None)
            if unit_id is None:
                return self.filter(filed_by=user)
            return self.filter(Q(units_involved__id=unit_id) | Q(filed_by=user)).distinct()
        return self.filter(
            scope_q(user, region_path=self.scope_region_path, enterprise=self.scope_enterprise, model=self.model)
        )


class Ticket(models.Model):
    """One request of one enterprise. ``holder_region`` is the level whose HQ office holds it (RQ-3)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("subject"), max_length=120)
    text = models.TextField(_("request"), max_length=4000)
    state = models.CharField(_("state"), max_length=16, choices=TicketState.choices, default=TicketState.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"))
    holder_region = models.ForeignKey(
        "regions.Region", verbose_name=_("held at"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    units_involved = models.ManyToManyField("organisation.Unit", related_name="+", blank=True)
    common_issue = models.ForeignKey(
        "CommonIssue", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # Deadlines (RQ-6). ``paused_at`` is set while waiting for the enterprise; on resuming, both deadlines
    # move later by the pause, so the clock only runs while the unit can act.
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    # The deadline the unit was last warned of as near, and as passed (RQ-6): a deadline moved later (a new
    # assignment, a pause) is a new one, warned of again; the same one never twice.
    warned_due_soon = models.DateTimeField(_("warned: due soon"), null=True, blank=True)
    warned_overdue = models.DateTimeField(_("warned: overdue"), null=True, blank=True)
    # Resolution (RQ-4) and follow-up (RQ-5)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("reply to the enterprise"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("enterprise's comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    verification = models.TextField(_("follow-up visit and verification"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("times escalated"), default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            # The lists' order (-filed_at, -pk), read backwards: a page of a province's requests stops early.
            models.Index(fields=["filed_at", "id"], name="ticket_filed_at"),
            models.Index(fields=["holder_region", "state"]),
            models.Index(fields=["unit", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="score_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TicketNote(models.Model):
    """Progress notes of the unit (RQ-4) and the enterprise's additions while waiting."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    visible_to_enterprise = models.BooleanField(_("shown to the enterprise"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class CommonIssue(models.Model):
    """点办理、批处理 (RQ-2): requests sharing one systemic or policy cause, answered once for all."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("cause"), blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("policy department"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("common issue")
        verbose_name_plural = _("common issues")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class RoutingRule(models.Model):
    """Default unit and deadlines for a category (and urgency) in a region; the nearest region wins (RQ-2)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    department_function = models.CharField(
        _("department"),
        max_length=32,
        choices=DepartmentFunction.choices,
        help_text=_("Which department handles it."),
    )
    response_hours = models.PositiveSmallIntegerField(_("respond within (hours)"), null=True, blank=True)
    handle_days = models.PositiveSmallIntegerField(_("resolve within (days)"), null=True, blank=True)
    # Disabled rather than deleted, so the audit log and the page keep what routing used to be.
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [models.UniqueConstraint(fields=["region", "category", "urgency"], name="routing_rule_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category} {self.urgency or '*'}"


class SupervisionNotice(models.Model):
    """督办 (RQ-6): supervision's notice on an overdue request to the unit holding it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", null=True)
    text = models.TextField(_("notice"))
    respond_by = models.DateTimeField(_("respond by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.ticket.number} 督办"


class WeeklyReport(models.Model):
    """督办督查周报告 (RQ-8) for one region and the week ending on a Friday."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT)
    week_end = models.DateField(_("week ending (Friday)"))
    figures = models.JSONField(_("figures"))
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_end"]
        constraints = [models.UniqueConstraint(fields=["region", "week_end"], name="weekly_report_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.week_end}"


class TicketDayFigures(models.Model):
    """RQ-7 metrics summary (issue 10, ``tickets.summary``): the metric counts of the events of one local day, for
    the requests of the enterprises of one region and the unit holding them now.

    ``depth`` 0 rows count the enterprises registered in ``region`` itself; depth 1 rows add up the rows of its
    child regions, so a region's figures are the sum of its own rows (either depth) and its children's are read
    by key. Several rows may share (day, region, unit): one per event kind and depth; readers add them up.
    """

    day = models.DateField()
    region = models.ForeignKey(
        "regions.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    depth = models.PositiveSmallIntegerField(db_default=0)  # 0: own enterprises; 1: added up from below
    assigned = models.PositiveIntegerField(db_default=0)
    responded_on_time = models.PositiveIntegerField(db_default=0)
    answered = models.PositiveIntegerField(db_default=0)
    answered_on_time = models.PositiveIntegerField(db_default=0)
    resolved = models.PositiveIntegerField(db_default=0)
    rated = models.PositiveIntegerField(db_default=0)
    satisfied = models.PositiveIntegerField(db_default=0)
    closed = models.PositiveIntegerField(db_default=0)
    close_time = models.DurationField(db_default=timedelta(0))  # filing → closing, summed over ``closed``
    reopens = models.PositiveIntegerField(db_default=0)
    answers = models.PositiveIntegerField(db_default=0)  # answer transitions (the reopen rate's denominator)

    class Meta:
        verbose_name = _("request metrics of a day")
        verbose_name_plural = _("request metrics by day")
        indexes = [models.Index(fields=["region", "day"], name="ticket_day_figures_region")]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id} {self.unit_id}"
