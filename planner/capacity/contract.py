"""The capacity plan workbook's contract: its sheets and columns, with the input contract's `Sheet`/`Column`.

Parsing, located errors and bounded reading come from :mod:`planner.inputs.contract` and
:mod:`planner.inputs.read`; the checks that span rows and sheets live in :mod:`planner.capacity.load`.
"""

from __future__ import annotations

from planner.inputs.contract import NONNEG, POSITIVE, Column, Kind, Sheet, at_least, at_most, below

#: The default understaffing penalty is this multiple of the highest weekly salary (per person-week).
PENALTY_FACTOR = 10.0
#: Default time limit of one weekly roster solve, in seconds: long enough for the weekly roster to end by
#: its work limits (so that the same plan gives the same hires on an idle or a busy machine). At 8 s the
#: sample's weeks ended on the clock and the plan asked for 2,636 hires instead of 3,017 (109.8 against
#: 114.8 million USD); at 60 s its largest week (the bull quarter's December, +10 %) still ended on the
#: clock next to a CPU-bound process.
DEFAULT_WEEKLY_TIME_LIMIT = 120.0

#: attrition and shrinkage shares: 0 <= x < 1
SHARE_BELOW1 = (at_least(0), below(1))
DATE_EXPECTED = "a date such as 2026-01-01"

PERIODS = Sheet(
    name="periods",
    description="The horizon: one row per period (weekly or monthly, 12-18 months), back to back, "
    "with the demand drivers and shrinkage of the period.",
    key=("period",),
    key_text="each period once",
    columns=(
        Column("period", Kind.TEXT, "a period name such as 2026-01", "Name of the period.", example="2026-01"),
        Column("start", Kind.DATETIME, DATE_EXPECTED, "First day of the period.", example="2026-01-01"),
        Column(
            "end",
            Kind.DATETIME,
            DATE_EXPECTED + ", on or after start",
            "Last day of the period (inclusive). The next period starts the day after.",
            example="2026-01-31",
        ),
        Column(
            "volume_index",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Demand of every language and channel relative to the input week (1 = as forecast). Blank means 1.",
            required=False,
            blank_ok=True,
            default=1.0,
            example=1.0,
            checks=NONNEG,
        ),
        Column(
            "handle_time_index",
            Kind.NUMBER,
            "blank or a number > 0",
            "Handle time of every channel relative to the input (1.1 = 10 % longer). Blank means 1.",
            required=False,
            blank_ok=True,
            default=1.0,
            example=1.0,
            checks=POSITIVE,
        ),
        Column(
            "shrinkage",
            Kind.SHARE,
            "blank or a share >= 0 and < 1",
            "Shrinkage of the period. Blank: the sum of the shrinkage_* categories, else the input's setting.",
            required=False,
            blank_ok=True,
            example=0.3,
            checks=SHARE_BELOW1,
        ),
    )
    + tuple(
        Column(
            f"shrinkage_{category}",
            Kind.SHARE,
            "blank or a share >= 0 and < 1",
            f"Shrinkage from {category} (the categories add up to the period's shrinkage). Blank means 0.",
            required=False,
            blank_ok=True,
            example=example,
            checks=SHARE_BELOW1,
        )
        for category, example in (("holiday", 0.05), ("sickness", 0.04), ("training", 0.03), ("meetings", 0.03))
    ),
)
SHRINKAGE_CATEGORIES = ("shrinkage_holiday", "shrinkage_sickness", "shrinkage_training", "shrinkage_meetings")

DRIVERS = Sheet(
    name="drivers",
    description="Optional demand drivers per period and language (and optionally channel): a volume index "
    "(multiplied with the period's) or absolute weekly contacts.",
    required=False,
    key=("period", "language", "channel"),
    key_text="each period, language and channel once",
    columns=(
        Column("period", Kind.TEXT, "a period of the periods sheet", "Period.", example="2026-04"),
        Column("language", Kind.CODE, "a language of the input's demand", "Language.", example="ja"),
        Column(
            "channel",
            Kind.CODE,
            "blank or a channel of the input's demand",
            "Channel (blank: every channel of the language).",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "volume_index",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Demand relative to the input week, times the period's volume_index.",
            required=False,
            blank_ok=True,
            example=1.15,
            checks=NONNEG,
        ),
        Column(
            "weekly_contacts",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Absolute contacts per week (replaces both indices); the input week's shape is kept.",
            required=False,
            blank_ok=True,
            unit="contacts per week",
            example="",
            checks=NONNEG,
        ),
    ),
)

WORKFORCE = Sheet(
    name="workforce",
    description="The people of each pool today and how the workforce changes. A row naming a site but no pool "
    "gives defaults to that site's pools; a pool row overrides them cell by cell.",
    key=("pool", "site"),
    key_text="each pool (or site default) once",
    columns=(
        Column(
            "pool",
            Kind.TEXT,
            "blank or a pool of the input's pools sheet",
            "Pool (blank: the row sets defaults for every pool of its site).",
            required=False,
            blank_ok=True,
            example="manila_en",
        ),
        Column(
            "site",
            Kind.TEXT,
            "blank or a site of the input's sites sheet",
            "Site (blank on a pool row: the pool's site).",
            required=False,
            blank_ok=True,
            example="manila",
        ),
        Column(
            "people",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "People in the pool today. Blank: the pool's available count in the input.",
            required=False,
            blank_ok=True,
            unit="people",
            example=120,
            checks=NONNEG,
        ),
        Column(
            "monthly_attrition",
            Kind.SHARE,
            "blank or a share >= 0 and < 1",
            "Share of the people who leave per month (give this or annual_attrition). Blank means 0.",
            required=False,
            blank_ok=True,
            unit="share per month",
            example=0.03,
            checks=SHARE_BELOW1,
        ),
        Column(
            "annual_attrition",
            Kind.SHARE,
            "blank or a share >= 0 and < 1",
            "Share of the people who leave per year (instead of monthly_attrition).",
            required=False,
            blank_ok=True,
            unit="share per year",
            example="",
            checks=SHARE_BELOW1,
        ),
        Column(
            "lead_time_weeks",
            Kind.NUMBER,
            "blank or a number of weeks >= 0, at most the horizon",
            "Weeks from the hiring decision to the start date. Blank means 0.",
            required=False,
            blank_ok=True,
            unit="weeks",
            example=6,
            checks=NONNEG,
        ),
        Column(
            "training_weeks",
            Kind.INTEGER,
            "blank or a whole number of weeks >= 0",
            "Weeks of training after the start, with no productive work. Blank means 0.",
            required=False,
            blank_ok=True,
            unit="weeks",
            example=4,
            checks=NONNEG,
        ),
        Column(
            "ramp",
            Kind.TEXT,
            "blank or a list of shares from 0 to 1 ending with 1, such as '0.25, 0.5, 0.75, 1'",
            "Productivity by week after training; the last value (1) holds from then on. Blank means 1.",
            required=False,
            blank_ok=True,
            example="0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1",
        ),
        Column(
            "classes_per_period",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "Training classes that can start per period. Blank means no limit.",
            required=False,
            blank_ok=True,
            example=2,
            checks=NONNEG,
        ),
        Column(
            "class_size",
            Kind.INTEGER,
            "blank or a whole number >= 1",
            "Trainees per class. Blank means no limit.",
            required=False,
            blank_ok=True,
            unit="people",
            example=15,
            checks=(at_least(1),),
        ),
        Column(
            "cost_per_hire",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Recruiting cost of one hire. Blank means 0.",
            required=False,
            blank_ok=True,
            unit="currency",
            example=2500,
            checks=NONNEG,
        ),
        Column(
            "trainee_cost",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Training cost per trainee and week of training, on top of the salary. Blank means 0.",
            required=False,
            blank_ok=True,
            unit="currency per week",
            example=150,
            checks=NONNEG,
        ),
        Column(
            "weekly_salary",
            Kind.NUMBER,
            "blank or a number >= 0",
            "Cost of one person per week. Blank: the pool's hourly cost x shifts_per_week x the paid hours "
            "of the longest shift allowed at its site.",
            required=False,
            blank_ok=True,
            unit="currency per week",
            example="",
            checks=NONNEG,
        ),
    ),
)
WORKFORCE_PARAMETERS = tuple(c.name for c in WORKFORCE.columns[2:])

POLICIES = Sheet(
    name="policies",
    description="Optional hiring and staffing policies per site and period. Blank site or period means all; "
    "the most specific row wins, field by field (site and period, then site, then period, then all).",
    required=False,
    key=("site", "period"),
    key_text="each site and period once",
    columns=(
        Column("site", Kind.TEXT, "blank or a site of the input", "Site (blank: all).", required=False, blank_ok=True),
        Column(
            "period", Kind.TEXT, "blank or a period of the plan", "Period (blank: all).", required=False, blank_ok=True
        ),
        Column(
            "min_hires",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "Fewest people starting at the site in the period.",
            required=False,
            blank_ok=True,
            unit="people",
            checks=NONNEG,
        ),
        Column(
            "max_hires",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "Most people starting at the site in the period.",
            required=False,
            blank_ok=True,
            unit="people",
            example=60,
            checks=NONNEG,
        ),
        Column(
            "min_headcount",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "Floor on the site's headcount (everyone employed, trainees included).",
            required=False,
            blank_ok=True,
            unit="people",
            checks=NONNEG,
        ),
        Column(
            "overtime_share",
            Kind.SHARE,
            "blank or a share from 0 to 1",
            "Overtime allowed, as a share of productive people. Blank means 0.",
            required=False,
            blank_ok=True,
            example=0.1,
            checks=(at_least(0), at_most(1)),
        ),
        Column(
            "overtime_premium",
            Kind.NUMBER,
            "blank or a share >= 0 (0.5 means +50 %)",
            "Extra pay of overtime over the salary. Blank means 0.5.",
            required=False,
            blank_ok=True,
            example=0.5,
            checks=NONNEG,
        ),
        Column(
            "transfers",
            Kind.BOOL,
            "blank, yes or no",
            "yes: people of a pool may work for another pool of the site whose languages and channels they "
            "have. Blank means no.",
            required=False,
            blank_ok=True,
            example="yes",
        ),
    ),
)

PLAN_SETTINGS = Sheet(
    name="settings",
    description="Optional; two columns, setting and value: weekly_time_limit (seconds per weekly roster solve, "
    f"default {DEFAULT_WEEKLY_TIME_LIMIT:g}), understaffing_penalty (per missing productive person and week; default "
    f"{PENALTY_FACTOR:g} x the highest weekly salary), risk_uplifts (default '10%, 20%').",
    required=False,
    key=("setting",),
    key_text="each setting once",
    columns=(
        Column("setting", Kind.KEY, "weekly_time_limit, understaffing_penalty or risk_uplifts", "Setting name."),
        Column("value", Kind.RAW, "a value", "Setting value.", blank_ok=True),
    ),
)

PLAN_SHEETS: tuple[Sheet, ...] = (PERIODS, DRIVERS, WORKFORCE, POLICIES, PLAN_SETTINGS)
