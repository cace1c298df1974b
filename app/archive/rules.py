"""The archive's rules as plain functions: data in, data out; no request, no database."""
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

from flask_babel import lazy_gettext as _l

# Legal-form words that differ between spellings of one organisation (seed 000: "无论成交与否,都要给客户进行建档").
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
_NOISE = re.compile(r"[\s()（）\[\]【】·.,，、\-_/]+")


def normalise_name(name: str) -> str:
    """The key two spellings of the same client share: full/half width folded, case, spaces, brackets and
    legal-form suffixes ignored. 重庆市 第一人民医院（有限公司） and 重庆市第一人民医院 give one key."""
    key = unicodedata.normalize("NFKC", name or "").lower()
    key = _NOISE.sub("", key)
    for suffix in _LEGAL_FORMS:
        key = key.replace(suffix, "")
    return key


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case without spaces: 绵阳市人民医院 → (mianyangshirenminyiyuan,
    mysrmyy). pypinyin's phrase data reads 重庆 as chongqing and 长寿 as changshou. The full form sorts names as
    people expect (重庆 before 自贡); both are searched.

    pypinyin is imported here, not with the module: its dictionaries take ~55 MB in every process that loads
    them, and only a process that writes a client's name needs them (bench/pages.py measures the worker)."""
    from pypinyin import Style, lazy_pinyin

    return ("".join(lazy_pinyin(name or "", errors=_kept)).lower(),
            "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=_kept)).lower())


def _kept(chars: str) -> str:
    """What is not Chinese (letters, digits) stays as it is, without spaces or punctuation."""
    return "".join(ch for ch in chars if ch.isalnum())


# --- Value assessment and grade ----------------------------------------------------------------------------

# Every criterion is scored 1–5 and 5 is always best for us (little effort, low risk, easy delivery...).
CRITERIA = (
    "share_of_wallet",
    "effort",
    "deal_risk",
    "strategic_value",
    "payment_risk",
    "delivery",
    "awareness",
    "need",
    "affordability",
)

CRITERIA_LABELS = {
    "share_of_wallet": _l("Share of wallet after winning"),
    "effort": _l("Time, effort and cost needed"),
    "deal_risk": _l("Deal risk"),
    "strategic_value": _l("Strategic value to us"),
    "payment_risk": _l("Payment risk"),
    "delivery": _l("Our delivery capability"),
    "awareness": _l("Awareness of us"),
    "need": _l("Need"),
    "affordability": _l("Affordability"),
}

DEFAULT_WEIGHTS = {
    "share_of_wallet": 20,
    "effort": 10,
    "deal_risk": 10,
    "strategic_value": 15,
    "payment_risk": 10,
    "delivery": 10,
    "awareness": 5,
    "need": 10,
    "affordability": 10,
}

DEFAULT_THRESHOLDS = {"A": 80, "B": 60, "C": 40}

SCORE_MIN, SCORE_MAX = 1, 5


# A grade needs the scored criteria to carry at least this share of the total weight (seed 002: 用于整体评估信息不足的，
# 继续收集信息收集完善后，再进行价值评估).
ENOUGH_KNOWN = Fraction(1, 2)


@dataclass(frozen=True)
class CriterionPoints:
    """One criterion of an assessment: its score (None: 信息不足), the weight used and the points it adds to the
    0–100 total (None when it is not scored or too little is known for a total)."""

    key: str
    score: int | None
    weight: Fraction
    points: Fraction | None

    @property
    def label(self):
        return CRITERIA_LABELS[self.key]


@dataclass(frozen=True)
class Breakdown:
    """Every criterion's points and what they add up to: `exact` on 0–100 and `score`, or None for both when
    too little is known."""

    lines: tuple[CriterionPoints, ...]
    known_weight: Fraction  # carried by the scored criteria
    total_weight: Fraction
    exact: Fraction | None

    @property
    def score(self) -> int | None:
        # Fractions keep the sum exact, so 62.5 rounds to 63 rather than whatever the float happens to be.
        return None if self.exact is None else floor(self.exact + Fraction(1, 2))

    @property
    def missing(self) -> tuple[CriterionPoints, ...]:
        """The criteria that count (weight above 0) and are not scored."""
        return tuple(line for line in self.lines if line.score is None and line.weight)


def assessment_breakdown(scores: Mapping[str, int | None], weights: Mapping[str, float]) -> Breakdown:
    """The value assessment worked out criterion by criterion (DESIGN.md: value grade A/B/C/D from a weighted
    assessment, each criterion scored 1–5): each score is mapped from 1–5 to 0–1 and weighted.

    A criterion without a score (None or absent: 信息不足) is left out and the weights of the scored ones are
    renormalised to the whole: the total is their weighted mean, so what is known counts as it would in a full
    assessment and an unknown criterion neither lifts nor sinks the client. There is a total only when the
    scored criteria carry at least half of the total weight (ENOUGH_KNOWN); below that the client stays in
    "keep collecting" (seed 002). Weight rather than count decides, because knowing the three lightest criteria
    says less than knowing share of wallet and strategic value.

    Only keys in CRITERIA count; a criterion weighted 0 (or missing from `weights`) adds nothing either way.
    Raises ValueError for an out-of-range score, a negative weight, or all weights 0."""
    given = {key: (scores.get(key), Fraction(weights.get(key, 0))) for key in CRITERIA}
    for key, (score, weight) in given.items():
        if weight < 0:
            raise ValueError(f"Weight for {key} must not be negative.")
        if score is not None and score not in range(SCORE_MIN, SCORE_MAX + 1):
            raise ValueError(f"Score for {key} must be a whole number from {SCORE_MIN} to {SCORE_MAX}.")
    total_weight = sum(weight for _, weight in given.values())
    if total_weight == 0:
        raise ValueError("At least one criterion must have a weight above 0.")
    known_weight = sum(weight for score, weight in given.values() if score is not None)
    enough = known_weight >= total_weight * ENOUGH_KNOWN
    lines = tuple(CriterionPoints(key, score, weight, None if score is None or not enough else
                                  weight / known_weight * 100 * (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN))
                  for key, (score, weight) in given.items())
    exact = sum(line.points for line in lines if line.points is not None) if enough else None
    return Breakdown(lines, Fraction(known_weight), Fraction(total_weight), exact)


def assessment_score(scores: Mapping[str, int | None], weights: Mapping[str, float]) -> int | None:
    """The value-assessment score on 0–100, rounded half up; None when too little is known for one (see
    assessment_breakdown)."""
    return assessment_breakdown(scores, weights).score


def two_places(value: Fraction | int) -> Decimal:
    """An exact number as shown: at most two decimals, rounded half up like the score (20, 7.5, 59.72)."""
    return Decimal(floor(Fraction(value) * 100 + Fraction(1, 2))) / 100


def check_thresholds(thresholds: Mapping[str, int]) -> None:
    """Raise ValueError unless the grade thresholds are A > B > C, all within 0–100 (defaults 80 / 60 / 40)."""
    missing = [grade for grade in ("A", "B", "C") if grade not in thresholds]
    if missing:
        raise ValueError(f"Thresholds for grade {', '.join(missing)} are missing.")
    a, b, c = thresholds["A"], thresholds["B"], thresholds["C"]
    if not 0 <= c < b < a <= 100:
        raise ValueError(
            f"Thresholds must descend from A to C within 0–100 (A > B > C), got A {a}, B {b}, C {c}."
        )


def grade_for_score(score: int, thresholds: Mapping[str, int]) -> str:
    """The value grade for an assessment score: at or above A's threshold → A, then B, then C, else D
    (DESIGN.md: A 全力以赴, B 控制投入维护关系, C 关注变化, D 暂缓观察)."""
    check_thresholds(thresholds)
    for grade in ("A", "B", "C"):
        if score >= thresholds[grade]:
            return grade
    return "D"


def phone_number(value):
    """A phone number as digits (and a leading +), whatever spaces, dashes, dots or brackets it was typed with;
    anything else (an extension note, a name) as it was. Mobiles are stored so, and searches match them so."""
    if not value:
        return value
    kept = re.sub(r"[\s\-.()（）]", "", value)
    return kept if re.fullmatch(r"\+?\d+", kept) else value


# --- Dates as people type them in a spreadsheet ------------------------------------------------------------

_TIME = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # an Excel date cell with a time of day reads "2024-05-06 08:30:00"
_YEAR_MONTH_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME)
_MONTH_DAY = re.compile(r"(闰)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CHINESE_MONTH_DAY = re.compile(r"(闰)?([正冬腊一二三四五六七八九十]{1,2})月(初?[廿卅一二三四五六七八九十]{1,3})日?")
_CHINESE_DIGITS = {digit: value for value, digit in enumerate("一二三四五六七八九", start=1)}
_CHINESE_MONTHS = {"正": 1, "冬": 11, "腊": 12}


def parse_date(text: str) -> date:
    """A date as typed in a spreadsheet: 2024-05-06, 2024/5/6, 2024.5.6 or 2024年5月6日 (an Excel date cell
    is read as 2024-05-06). Raises ValueError for anything else, and for a day the month does not have."""
    match = _YEAR_MONTH_DAY.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if not match:
        raise ValueError(f"Not a date: {text!r}")
    return date(*(int(part) for part in match.groups()))


@dataclass(frozen=True)
class YearlyDate:
    """A birthday as a special date keeps it: month and day, the year when known, solar or lunar (农历)."""

    month: int
    day: int
    year: int | None = None
    lunar: bool = False
    leap: bool = False


def parse_birthday(text: str) -> YearlyDate:
    """A birthday as typed in a spreadsheet (DESIGN.md: birthdays, often lunar 农历): a date as parse_date reads
    it, or month and day alone (3月15日, 3-15); 农历 (or 阴历) before it makes it lunar (农历 1990-03-15,
    农历闰四月初八), and a lunar date in Chinese numerals is lunar anyway (三月十五, 正月初八, 腊月廿三).
    Whether a lunar month has that day is the contact form's check. Raises ValueError for anything else."""
    text = unicodedata.normalize("NFKC", text).strip()
    lunar = text.startswith(("农历", "阴历"))
    text = re.sub(r"^(农历|阴历|公历|阳历|新历)\s*", "", text)
    if match := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        if not lunar:
            date(year, month, day)  # a solar date must exist (ValueError otherwise)
        return YearlyDate(month, day, year, lunar)
    if match := _MONTH_DAY.fullmatch(text):
        leap, month, day = match.groups()
        if leap and not lunar:
            raise ValueError(f"Only a lunar date has a leap month: {text!r}")
        return YearlyDate(int(month), int(day), lunar=lunar, leap=bool(leap))
    if match := _CHINESE_MONTH_DAY.fullmatch(text):
        leap, month, day = match.groups()
        return YearlyDate(_CHINESE_MONTHS.get(month) or _chinese_number(month), _chinese_number(day), lunar=True,
                          leap=bool(leap))
    raise ValueError(f"Not a birthday: {text!r}")


def _chinese_number(text: str) -> int:
    """1–39 in Chinese numerals as lunar days are written: 初八, 十五, 廿三, 二十, 三十."""
    text = text.removeprefix("初").replace("廿", "二十").replace("卅", "三十")
    tens, ten, ones = text.rpartition("十")
    try:
        return (_CHINESE_DIGITS[tens] if tens else 1 if ten else 0) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)
    except KeyError:
        raise ValueError(f"Not a number: {text!r}") from None
