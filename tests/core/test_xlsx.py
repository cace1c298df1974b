"""The .xlsx writer's own cell references (no openpyxl in the web worker)."""
from app.core.xlsx import column_letter


def test_column_letters_run_a_to_z_then_aa_up_to_excels_last_column():
    assert [column_letter(n) for n in (1, 2, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "B", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
