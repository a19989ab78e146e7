"""Every rule number of the seeds, declared once with its default and its source (SPEC: "the numbers … are
defaults that an administrator can change per region without a code change").

Apps declare their parameters here so that one page lists them all; values are read with
``sibao.parameters.selectors.parameter_value(key, region)``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Kind = Literal["int", "decimal", "bool", "month_day"]


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

    def parse(self, raw: Any) -> Any:
        """The typed value of ``raw`` (from a form or JSON), or ValueError with a Chinese message."""
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


DEFINITIONS: dict[str, Definition] = {}


def define(definition: Definition) -> Definition:
    if definition.key in DEFINITIONS:
        raise ValueError(f"parameter {definition.key!r} declared twice")
    definition.parse(definition.default)  # a bad default is a programming error
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
        )
    )
    for urgency, label, days in (
        ("normal", _("A normal request is resolved within"), 7),
        ("urgent", _("An urgent request is resolved within"), 3),
        ("critical", _("A critical request is resolved within"), 1),
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
