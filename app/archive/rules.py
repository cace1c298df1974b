"""The archive's rules as plain functions: data in, data out; no request, no database."""
import re
import unicodedata
from collections.abc import Mapping
from fractions import Fraction
from math import floor

from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin

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
    people expect (重庆 before 自贡); both are searched."""
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


def assessment_score(scores: Mapping[str, int], weights: Mapping[str, float]) -> int:
    """The value-assessment score on 0–100: the weighted mean of the criteria, each mapped from 1–5 to 0–1,
    rounded half up (DESIGN.md: value grade A/B/C/D from a weighted assessment, each criterion scored 1–5).

    Only keys in CRITERIA count; a criterion missing from `weights` or weighted 0 is left out and need not be
    scored. Raises ValueError for a missing or out-of-range score, a negative weight, or all weights 0."""
    total_weight = Fraction(0)
    weighted = Fraction(0)
    for key in CRITERIA:
        weight = Fraction(weights.get(key, 0))
        if weight < 0:
            raise ValueError(f"Weight for {key} must not be negative.")
        if weight == 0:
            continue
        score = scores.get(key)
        if score is None:
            raise ValueError(f"Score for {key} is missing.")
        if score not in range(SCORE_MIN, SCORE_MAX + 1):
            raise ValueError(f"Score for {key} must be a whole number from {SCORE_MIN} to {SCORE_MAX}.")
        total_weight += weight
        weighted += weight * (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)
    if total_weight == 0:
        raise ValueError("At least one criterion must have a weight above 0.")
    # Fractions keep the sum exact, so 62.5 rounds to 63 rather than whatever the float happens to be.
    return floor(weighted / total_weight * 100 + Fraction(1, 2))


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
