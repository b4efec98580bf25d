"""lab/live/qr.py: the join link's QR code, module for module as the segno library draws it."""
import xml.etree.ElementTree as ET

import pytest

from lab.live.qr import codewords, format_bits, qr_matrix, rs_remainder, svg

# segno 1.6.6: segno.make("lab/?live=K7M3", error="m", mode="byte", version=1, mask=3), one row per hex number
SEGNO_ROWS = ["1fdd7f", "105541", "174e5d", "175b5d", "174a5d", "104c41", "1fd57f", "001900", "16e04b", "0c8295",
              "12d623", "160e3a", "0bee73", "001ad8", "1fd234", "105625", "1748be", "175f4e", "175188", "1049f9",
              "1fd9ac"]


def test_reed_solomon_as_in_the_standards_example():
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]  # "HELLO WORLD", 1-M
    assert rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


def test_format_bits_of_level_m():
    assert format_bits(0) == 0b101010000010010 and format_bits(1) == 0b101000100100101


def test_a_code_matches_segno_module_for_module():
    rows = [f"{int(''.join('1' if d else '0' for d in row), 2):06x}" for row in qr_matrix("lab/?live=K7M3", mask=3)]
    assert rows == SEGNO_ROWS


def test_the_version_grows_with_the_link_and_stops_at_six():
    assert [codewords("x" * n)[0] for n in (14, 15, 26, 42, 62, 84, 106)] == [1, 2, 2, 3, 4, 5, 6]
    assert len(qr_matrix("https://user-diffusion-lab.hf.space/?live=K7M3QX")) == 33  # version 4
    with pytest.raises(ValueError):
        codewords("x" * 107)


def test_svg_is_plain_markup_with_a_quiet_zone():
    matrix = qr_matrix("https://lab.example/?live=K7M3QX")
    root = ET.fromstring(svg(matrix))
    assert root.get("viewBox") == f"0 0 {len(matrix) + 8} {len(matrix) + 8}"
    assert [child.tag.split("}")[1] for child in root] == ["rect", "path"]
