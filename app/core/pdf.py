"""PDF rendering support. Chinese needs a real CJK font on the machine (fonts-noto-cjk)."""
import shutil
import subprocess
from functools import cache


@cache
def cjk_font_available() -> bool:
    """True when fontconfig knows a font covering Chinese, the one WeasyPrint will pick for zh-CN text."""
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10)
    return bool(found.stdout.strip())
