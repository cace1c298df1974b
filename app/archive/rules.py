"""The archive's rules as plain functions: data in, data out; no request, no database."""
import re
import unicodedata

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
