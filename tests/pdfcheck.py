"""What a printed document is checked for: a real PDF whose text extracts (pdftotext), whose fonts are embedded
CJK fonts (pdffonts), and, through render_pdf's glyph watch (PDF_STRICT_GLYPHS in tests), no boxes."""
import subprocess
from dataclasses import dataclass


@dataclass
class Checked:
    text: str
    fonts: list[str]
    pages: int


def check_pdf(data: bytes, tmp_path) -> Checked:
    assert data.startswith(b"%PDF-"), data[:200]
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    assert fonts and all("CJK" in name for name in fonts), listing
    assert all(line.split()[-5] == "yes" for line in listing.splitlines()[2:] if line.strip()), listing  # embedded
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return Checked(text=text, fonts=fonts, pages=pages)
