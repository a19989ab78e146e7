"""Every rule number of the seeds, declared once with its default and its source (SPEC: "the numbers … are
defaults that an administrator can change per region without a code change").

Apps declare their parameters here so that one page lists them all; values are read with
``sibao.parameters.selectors.parameter_value(key, region)``.

A parameter may also hold a value for the emergency state (EM-1, issue 12 #4): ``emergency_default`` here and
regions' own emergency overrides. While a region (or one above it) is in emergency, ``parameter_value`` answers
that value instead, so cadences and deadlines tighten with the switch and relax after it with no code change.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Kind = Literal["int", "decimal", "bool", "month_day", "choice"]


@dataclass(frozen=True)
class Definition:
    key: str
    label: str | Promise
    kind: Kind
    default: Any
    unit: str | Promise = ""
    source: str = ""  # seed reference, e.g. "001#五.3"
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # The value while the region is in emergency (None: the same as in normal state, unless a region sets one).
    emergency_default: Any = None
    choices: tuple[tuple[str, str | Promise], ...] = ()  # kind "choice": (value, label)

    def parse(self, raw: Any) -> Any:
        """The typed value of ``raw`` (from a form or JSON), or ValueError with a Chinese message."""
        if self.kind == "choice":
            text = str(raw).strip()
            labels = dict(self.choices)
            if text not in labels:
                raise ValueError(
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(f"{k} ({v})" for k, v in self.choices)}
                )
            return text
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "是", "yes"):
                return True
            if text in ("false", "0", "否", "no"):
                return False
            raise ValueError(_("Enter yes or no."))
        if self.kind == "month_day":
            try:
                month, day = (int(part) for part in str(raw).strip().split("-"))
                date(2024, month, day)  # a leap year, so 02-29 is accepted
            except ValueError:
                raise ValueError(_("Enter a date as MM-DD, e.g. 05-31.")) from None
            return f"{month:02d}-{day:02d}"
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or (self.kind == "int" and number != number.to_integral_value()):
            raise ValueError(_("Enter a whole number.") if self.kind == "int" else _("Enter a number."))
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise ValueError(_("Enter a value from %(min)s to %(max)s.") % {"min": self.minimum, "max": self.maximum})
        return int(number) if self.kind == "int" else number

    def to_json(self, value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    def display(self, value: Any) -> str:
        """``value`` as a reader sees it: 是/否, a choice's label, a number with its unit."""
        if self.kind == "bool":
            return str(_("Yes") if value else _("No"))
        if self.kind == "choice":
            return str(dict(self.choices).get(value, value))
        if self.kind == "month_day":
            return str(value)  # "05-31": its unit (月-日) only says how to write it
        return f"{value} {self.unit}".strip()


DEFINITIONS: dict[str, Definition] = {}


def define(definition: Definition) -> Definition:
    if definition.key in DEFINITIONS:
        raise ValueError(f"parameter {definition.key!r} declared twice")
    definition.parse(definition.default)  # a bad default is a programming error
    if definition.emergency_default is not None:
        definition.parse(definition.emergency_default)
    DEFINITIONS[definition.key] = definition
    return definition


def definition(key: str) -> Definition:
    return DEFINITIONS[key]


# --- Whitelist (WL-5, WL-6, WL-4) -------------------------------------------------------------------
WHITELIST_COVERAGE_PERCENT = define(
    Definition(
        "whitelist.coverage_percent",
        _("Whitelist coverage target (share of output value or investment)"),
        "decimal",
        Decimal("70"),
        "%",
        "000#二.1, 001#附件1-二.1",
        Decimal("1"),
        Decimal("100"),
    )
)
WHITELIST_FIRST_BATCH_BY = define(
    Definition(
        "whitelist.first_batch_by",
        _("First whitelist batch published by"),
        "month_day",
        "05-31",
        _("month-day"),
        "001#附件1-五.3",
    )
)
WHITELIST_COVERAGE_BY = define(
    Definition(
        "whitelist.coverage_by",
        _("Coverage target reached by"),
        "month_day",
        "06-30",
        _("month-day"),
        "001#附件1-五.3",
    )
)
WHITELIST_TOWNSHIP_FIRST_CHECK = define(
    Definition(
        "whitelist.township_first_check",
        _("Township checks whitelist applications before the sector department"),
        "bool",
        False,
        source="SPEC WL-4",
    )
)
WHITELIST_ATTACHMENT_MAX_MB = define(
    Definition(
        "whitelist.attachment_max_mb",
        _("Largest application attachment"),
        "int",
        10,
        "MB",
        "",
        Decimal("1"),
        Decimal("50"),
    )
)


# --- Requests (RQ-2, RQ-6). The seeds set no numbers here; these are platform defaults an emergency
# state or a region can shorten.
TICKET_RESPONSE_HOURS = define(
    Definition(
        "tickets.response_hours",
        _("A responsible unit responds to a request within"),
        "int",
        24,
        _("hours"),
        "platform default",
        Decimal("1"),
        Decimal("720"),
        emergency_default=6,  # EM-1: a platform default; an emergency answers within hours
    )
)
TICKET_HANDLE_DAYS = {
    urgency: define(
        Definition(
            f"tickets.handle_days_{urgency}",
            label,
            "int",
            days,
            _("days"),
            "platform default",
            Decimal("1"),
            Decimal("90"),
            emergency_default=emergency_days,  # EM-1: shorter while the region is in emergency
        )
    )
    for urgency, label, days, emergency_days in (
        ("normal", _("A normal request is resolved within"), 7, 3),
        ("urgent", _("An urgent request is resolved within"), 3, 1),
        ("critical", _("A critical request is resolved within"), 1, None),
    )
}
TICKET_DUE_SOON_HOURS = define(
    Definition(
        "tickets.due_soon_hours",
        _("A request counts as due soon this long before its deadline"),
        "int",
        24,
        _("hours"),
        "platform default",
        Decimal("1"),
        Decimal("240"),
    )
)
TICKET_NOTICE_RESPONSE_HOURS = define(
    Definition(
        "tickets.notice_response_hours",
        _("A unit answers a supervision notice within"),
        "int",
        24,
        _("hours"),
        "platform default",
        Decimal("1"),
        Decimal("240"),
    )
)


# --- Operations (EN-3) -----------------------------------------------------------------------------
OPERATIONS_REPORT_DEADLINE_HOUR = define(
    Definition(
        "operations.report_deadline_hour",
        # 000#一.3 / 001#一.(三) put 生产经营状况 under the platform's 全程监测预警 and 003#三.(一) asks the sector
        # department to follow output (生产监测调度), without an hour: a report of the working day by 17:00 is a start.
        _("The daily operating report is due by this hour"),
        "int",
        17,
        _("o'clock"),
        "000#一.3",
        Decimal("0"),
        Decimal("23"),
    )
)


# --- Epidemic tests (EP-2, 001#annex2-二.1) ---------------------------------------------------------
EPIDEMIC_TEST_INTERVAL_HOURS = define(
    Definition(
        "epidemic.test_interval_hours",
        _("An employee on a normal post is tested at least every"),
        "int",
        48,
        _("hours"),
        "001#annex2-二.1",
        Decimal("1"),
        Decimal("720"),
        emergency_default=24,  # EM-1: closed-loop cadence for everyone in an emergency region
    )
)
EPIDEMIC_TEST_INTERVAL_MOBILE_HOURS = define(
    Definition(
        "epidemic.test_interval_mobile_hours",
        _("An employee on a mobile or contact post is tested at least every"),
        "int",
        24,
        _("hours"),
        "001#annex2-二.1",
        Decimal("1"),
        Decimal("720"),
    )
)
EPIDEMIC_TEST_INTERVAL_CLOSED_LOOP_HOURS = define(
    Definition(
        "epidemic.test_interval_closed_loop_hours",
        _("In closed-loop production or a quiet period an employee is tested at least every"),
        "int",
        24,
        _("hours"),
        "001#annex2-二.1",
        Decimal("1"),
        Decimal("720"),
    )
)
EPIDEMIC_QUIET_PERIOD_DAYS = define(
    Definition(
        "epidemic.quiet_period_days",
        # The seeds set no length (003#一.4, 001#annex2-三.7); 7 days mirrors the centralised isolation.
        _("A quiet period (new arrival in the blue zone, cleared suspected case) lasts"),
        "int",
        7,
        _("days"),
        "003#一.4, 001#annex2-三.7",
        Decimal("1"),
        Decimal("60"),
    )
)
EPIDEMIC_ARRIVAL_TEST_HOURS = define(
    Definition(
        "epidemic.arrival_test_hours",
        _("An arrival from elsewhere with a green code is tested within"),
        "int",
        24,
        _("hours"),
        "001#annex2-三.4",
        Decimal("1"),
        Decimal("240"),
    )
)
EPIDEMIC_RISK_ARRIVAL_ISOLATION_DAYS = define(
    Definition(
        "epidemic.risk_arrival_isolation_days",
        _("An arrival from a medium/high-risk county or static-management area is centrally isolated for"),
        "int",
        7,
        _("days"),
        "001#annex2-三.4",
        Decimal("1"),
        Decimal("60"),
    )
)
EPIDEMIC_DAILY_REPORT_DEADLINE_HOUR = define(
    Definition(
        "epidemic.daily_report_deadline_hour",
        _("The daily health report (zero report included) is due by this hour"),
        "int",
        12,
        _("o'clock"),
        "001#annex2-二.3",
        Decimal("0"),
        Decimal("23"),
        emergency_default=10,  # EM-1: reports come in earlier while the HQs meet daily
    )
)
EPIDEMIC_RETEST_HOURS = define(
    Definition(
        "epidemic.retest_hours",
        _("A suspected or initial-positive person is re-tested within"),
        "int",
        6,
        _("hours"),
        "001#annex2-三.7",
        Decimal("1"),
        Decimal("72"),
    )
)
EPIDEMIC_SHUTDOWN_MAX_DAYS = define(
    Definition(
        "epidemic.shutdown_max_days",
        _("An approved shutdown of a whitelist enterprise lasts at most"),
        "int",
        3,
        _("days"),
        "001#annex2-三.7",
        Decimal("1"),
        Decimal("30"),
    )
)
EPIDEMIC_TRACE_WINDOW_MINUTES = define(
    Definition(
        "epidemic.trace_window_minutes",
        # 精准流调: a scan stands for a stay of this length; two stays at one venue that overlap are a contact.
        _("Tracing counts a venue scan as a stay of"),
        "int",
        30,
        _("minutes"),
        "001#annex2-二.2",
        Decimal("1"),
        Decimal("1440"),
    )
)
EPIDEMIC_OBSERVATION_ROOM_STAFF = define(
    Definition(
        "epidemic.observation_room_staff",
        # The seeds ask for rooms "in proportion to staff" (003#一.13) without a ratio; one per 100 is a start.
        _("One temporary observation room for every"),
        "int",
        100,
        _("employees"),
        "003#一.13",
        Decimal("1"),
        Decimal("100000"),
    )
)
EPIDEMIC_SAMPLING_BOOTH_STAFF = define(
    Definition(
        "epidemic.sampling_booth_staff",
        _("An enterprise is encouraged to have its own sampling booth from"),
        "int",
        1000,
        _("employees"),
        "001#annex2-二.1",
        Decimal("1"),
        Decimal("100000"),
    )
)
# EP-10, 001#annex2-二.7 asks for 足量储备 without numbers: the defaults below cover 7 days of closed-loop
# production (two masks a day, one antigen test every 3–4 days, one thermometer per 50 people …).
SUPPLY_RESERVE_PARAMETERS: dict[str, Definition] = {}
EPIDEMIC_RESERVE_MASKS = define(
    Definition(
        "epidemic.reserve_masks",
        _("Reserve of masks per employee"),
        "decimal",
        Decimal("14"),
        _("masks"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["masks"] = EPIDEMIC_RESERVE_MASKS
EPIDEMIC_RESERVE_PROTECTIVE_SUITS = define(
    Definition(
        "epidemic.reserve_protective_suits",
        _("Reserve of protective suits per employee"),
        "decimal",
        Decimal("0.05"),
        _("suits"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["protective_suits"] = EPIDEMIC_RESERVE_PROTECTIVE_SUITS
EPIDEMIC_RESERVE_GLOVES = define(
    Definition(
        "epidemic.reserve_gloves",
        _("Reserve of latex gloves per employee"),
        "decimal",
        Decimal("4"),
        _("pairs"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["gloves"] = EPIDEMIC_RESERVE_GLOVES
EPIDEMIC_RESERVE_DISINFECTANT = define(
    Definition(
        "epidemic.reserve_disinfectant",
        _("Reserve of disinfectant per employee"),
        "decimal",
        Decimal("0.5"),
        _("litres"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["disinfectant"] = EPIDEMIC_RESERVE_DISINFECTANT
EPIDEMIC_RESERVE_HAND_SANITISER = define(
    Definition(
        "epidemic.reserve_hand_sanitiser",
        _("Reserve of hand sanitiser per employee"),
        "decimal",
        Decimal("0.2"),
        _("bottles"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["hand_sanitiser"] = EPIDEMIC_RESERVE_HAND_SANITISER
EPIDEMIC_RESERVE_THERMOMETERS = define(
    Definition(
        "epidemic.reserve_thermometers",
        _("Reserve of thermometers per employee"),
        "decimal",
        Decimal("0.02"),
        _("pieces"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["thermometers"] = EPIDEMIC_RESERVE_THERMOMETERS
EPIDEMIC_RESERVE_ANTIGEN_TESTS = define(
    Definition(
        "epidemic.reserve_antigen_tests",
        _("Reserve of antigen tests per employee"),
        "decimal",
        Decimal("2"),
        _("tests"),
        "001#annex2-二.7",
        Decimal("0"),
        Decimal("1000"),
    )
)
SUPPLY_RESERVE_PARAMETERS["antigen_tests"] = EPIDEMIC_RESERVE_ANTIGEN_TESTS
READINESS_DRILL_INTERVAL_DAYS = define(
    Definition(
        "epidemic.drill_interval_days",
        # 001#annex2-二.7 asks for drills "定期" (003#一.12: 加强应急演练) without a period; a quarter is a start.
        _("An emergency drill at least every"),
        "int",
        90,
        _("days"),
        "001#annex2-二.7",
        Decimal("1"),
        Decimal("3650"),
    )
)


# --- Emergency state (EM-2, EM-3) ---------------------------------------------------------------------
EMERGENCY_READINESS_CONFIRM_HOURS = define(
    Definition(
        "emergency.readiness_confirm_hours",
        # The seeds say 即刻 (000#一.3): the platform asks for a confirmation within this many hours of the switch.
        _("After a switch into emergency, each whitelist enterprise confirms it is ready for closed loop within"),
        "int",
        12,
        _("hours"),
        "000#一.3, 001#annex1-一.3",
        Decimal("1"),
        Decimal("168"),
    )
)
# EM-3, 000#五.1 / 001#annex1-三.1: industry, culture-tourism and key projects fully closed with bubbles; commerce
# and transport 两点一线. A region may choose otherwise for a sector.
_MODE_CHOICES = (
    ("full", _("Full closed loop (bubbles)")),
    ("two_point", _("Two points, one line (workplace and lodging)")),
    ("none", _("Not in closed loop")),
)
EMERGENCY_MODE_BY_SECTOR = {
    sector: define(
        Definition(
            f"emergency.mode_{sector}",
            label,
            "choice",
            mode,
            "",
            "000#五.1, 001#annex1-三.1",
            choices=_MODE_CHOICES,
        )
    )
    for sector, label, mode in (
        ("industry", _("Closed-loop mode in an emergency: industrial production"), "full"),
        ("culture_tourism", _("Closed-loop mode in an emergency: culture and tourism"), "full"),
        ("key_project", _("Closed-loop mode in an emergency: key projects"), "full"),
        ("commerce", _("Closed-loop mode in an emergency: commerce and distribution"), "two_point"),
        ("transport", _("Closed-loop mode in an emergency: transport"), "two_point"),
    )
}

# --- Logistics (LG-2, 000#六.1, 001#annex2-三.5) ------------------------------------------------------
LOGISTICS_NEGATIVE_TEST_HOURS = define(
    Definition(
        "logistics.negative_test_hours",
        # 001#annex2-三.5: green channel for drivers "持有48小时核酸阴性证明"; 000#六.1 "48小时内核酸阴性证明".
        _("At a checkpoint a driver's negative nucleic-acid test may be at most"),
        "int",
        48,
        _("hours old"),
        "001#annex2-三.5, 000#六.1",
        Decimal("1"),
        Decimal("720"),
    )
)
LOGISTICS_ITINERARY_DAYS = define(
    Definition(
        "logistics.itinerary_days",
        # 001#annex2-三.5 "行程码正常": the seeds give no window; 7 days is the national itinerary card's.
        _("At a checkpoint a driver's itinerary counts medium/high-risk areas visited within the last"),
        "int",
        7,
        _("days"),
        "001#annex2-三.5",
        Decimal("1"),
        Decimal("60"),
    )
)

# --- Audit (X-3) -------------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = define(
    Definition(
        "audit.retention_days",
        # MLPS 2.0 level 3 (GB/T 22239-2019 8.1.4.3 c: 审计记录保存): at least six months. The database refuses
        # to delete younger entries (core.audit.RETENTION_FLOOR_DAYS), so the minimum is that floor.
        _("Audit log entries are kept for"),
        "int",
        180,
        _("days"),
        "GB/T 22239-2019 8.1.4.3",
        Decimal("180"),
        Decimal("3650"),
    )
)


# --- Policies (PO-3, PO-4). The seed numbers of the shipped demo policies; a published policy keeps the numbers
# it was published with in its own rule, its formula reads these per region when computing. ------------------
def _policy_number(key: str, label: Any, default: int, unit: Any, source: str, top: int = 100) -> Definition:
    return define(Definition(key, label, "decimal", Decimal(default), unit, source, Decimal("0"), Decimal(top)))


POLICY_BOOTH_SUBSIDY_PERCENT = _policy_number(
    "policies.booth_subsidy_percent",
    _("Government subsidy of an enterprise's own sampling booth"),
    50,
    "%",
    "001#annex1-六.2, 001#annex2-二.1",
)
POLICY_BOOTH_PROVINCE_SHARE = _policy_number(
    "policies.booth_province_share",
    _("Province's part of the sampling-booth subsidy (province : city/county)"),
    7,
    _("parts"),
    "001#annex1-六.2",
)
POLICY_BOOTH_LOCAL_SHARE = _policy_number(
    "policies.booth_local_share",
    _("City's or county's part of the sampling-booth subsidy (province : city/county)"),
    3,
    _("parts"),
    "001#annex1-六.2",
)
POLICY_UI_REFUND_PERCENT = _policy_number(
    "policies.ui_refund_percent",
    _("Unemployment insurance refunded of last year's contributions"),
    50,
    "%",
    "004#13",
)
POLICY_UI_LAYOFF_RATE_BELOW = _policy_number(
    "policies.ui_layoff_rate_below",
    _("Unemployment insurance refund: layoff rate below"),
    5,
    "%",
    "004#13",
)
POLICY_TAX_DEFERRAL_MONTHS = _policy_number(
    "policies.tax_deferral_max_months",
    _("Tax payment deferral at most"),
    3,
    _("months"),
    "004#11",
    36,
)
POLICY_TOLL_REDUCTION_PERCENT = _policy_number(
    # 001#annex1-六.2 leaves the rate to the provincial transport department; a platform default to replace.
    "policies.toll_reduction_percent",
    _("Highway toll reduction for 四保 logistics vehicles"),
    15,
    "%",
    "001#annex1-六.2 (rate set by the transport department)",
)
POLICY_REMINDER_DAYS = define(
    Definition(
        "policies.reminder_days",
        _("An enterprise that has not applied for a matched policy is reminded after"),
        "int",
        7,
        _("days"),
        "platform default (PO-3)",
        Decimal("1"),
        Decimal("365"),
    )
)
POLICY_REMINDER_MAX = define(
    Definition(
        "policies.reminder_max",
        _("Reminders about one matched policy at most"),
        "int",
        3,
        _("reminders"),
        "platform default (PO-3)",
        Decimal("0"),
        Decimal("20"),
    )
)


# --- Retention of personal epidemic data (issue 15 #2) ------------------------------------------------
# PIPL Art. 19: keep personal information only as long as the purpose needs; Art. 47: delete it when the
# purpose is met; Art. 28: health data and whereabouts are sensitive. The purposes here are the test cadence
# (the last test of each person is kept on the employee row, so history serves only reviews of a case) and
# tracing contacts over an incubation period. The seeds set no period: these defaults are ours, per region.
def _retention(key: str, label: str | Promise, default: int) -> Definition:
    return define(Definition(key, label, "int", default, _("days"), "PIPL Arts. 19, 47", Decimal("1"), Decimal("3650")))


RETENTION_TEST_RESULTS_DAYS = _retention("retention.test_results_days", _("Test results are kept for"), 28)
RETENTION_VENUE_SCANS_DAYS = _retention("retention.venue_scans_days", _("Venue scans are kept for"), 21)
RETENTION_HEALTH_CODES_DAYS = _retention(
    "retention.health_code_changes_days", _("Health-code changes are kept for"), 28
)
RETENTION_ZONE_MOVES_DAYS = _retention("retention.zone_moves_days", _("Zone moves are kept for"), 28)
RETENTION_SYMPTOMS_DAYS = _retention("retention.symptoms_days", _("Reported symptoms are kept for"), 28)
RETENTION_SIGHTINGS_DAYS = _retention(
    "retention.arrival_sightings_days", _("Gate sightings of arrivals are kept for"), 28
)
RETENTION_PHARMACY_DAYS = _retention("retention.pharmacy_purchases_days", _("Pharmacy purchases are kept for"), 28)
RETENTION_PASS_CHECKS_DAYS = _retention("retention.pass_checks_days", _("Checkpoint checks are kept for"), 28)
