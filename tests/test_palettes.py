"""The charts' colours, as seen with normal vision and with the three common colour-vision deficiencies.

Protanopia, deuteranopia and tritanopia are simulated with the matrices of Machado, Oliveira &
Fernandes (2009, severity 1.0) on linear RGB; two colours count as distinguishable when their CIEDE2000
difference is at least ``MIN_DELTA_E`` in every one of the four views. Lines and marks must also stand
out from the white page (WCAG 1.4.11: 3:1).
"""

from __future__ import annotations

import itertools
import math

import pytest

from microsolidarity_widgets import charts, levels, review

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISIONS = [None, *MACHADO]
MIN_DELTA_E = 12  # clearly different side by side; 2.3 is the smallest difference anyone notices


def linear(hex_colour: str) -> list[float]:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]


def seen(hex_colour: str, vision: str | None) -> list[float]:
    rgb = linear(hex_colour)
    if vision:
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in MACHADO[vision]]
    return rgb


def lab(rgb: list[float]) -> tuple[float, float, float]:
    m = [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    xyz = [sum(a * c for a, c in zip(row, rgb)) / w for row, w in zip(m, (0.95047, 1.0, 1.08883))]
    f = [t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def ciede2000(lab1, lab2) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1 = math.degrees(math.atan2(b1, a1p)) % 360
    h2 = math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0 if c1p * c2p == 0 else (h2 - h1 + 180) % 360 - 180
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    h_bar = h1 + h2 if c1p * c2p == 0 else ((h1 + h2 + 360) / 2 if abs(h1 - h2) > 180 else (h1 + h2) / 2)
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (dc / s_c) * (d_h / s_h))


def contrast_on_white(hex_colour: str) -> float:
    r, g, b = linear(hex_colour)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def closest_pair(palette):
    return min((ciede2000(lab(seen(a, v)), lab(seen(b, v))), a, b, v or "normal vision")
               for a, b in itertools.combinations(palette, 2) for v in VISIONS)


def test_the_simulation_and_the_difference_behave_as_published():
    # Sharma, Wu & Dalal's CIEDE2000 test data, pair 1; pink and teal, far apart for most people, merge
    # for deuteranopes (and stay apart for tritanopes).
    assert ciede2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000(lab(seen("#D55E00", None)), lab(seen("#009E73", None))) > 40
    pink_teal = {v: ciede2000(lab(seen("#CC79A7", v)), lab(seen("#44AA99", v))) for v in VISIONS}
    assert pink_teal[None] > 40 and pink_teal["deuteranopia"] < 5 and pink_teal["tritanopia"] > 40
    assert seen("#123456", None) == pytest.approx(linear("#123456"))


@pytest.mark.parametrize("name, palette", [
    ("members", review.PALETTE),
    ("levels", levels.colours()),
    ("attendance", ["#0072B2", "#D55E00"]),
])
def test_palettes_stay_distinguishable_with_colour_vision_deficiencies(name, palette):
    delta, a, b, vision = closest_pair(palette)
    assert delta >= MIN_DELTA_E, f"{name}: {a} and {b} differ by only {delta:.1f} with {vision}"


def test_a_crew_gets_as_many_colours_as_it_can_have_members_and_lines_stand_out_on_white():
    assert len(set(review.PALETTE)) >= 8
    assert len(set(charts.SHAPES)) >= 8
    for colour in review.PALETTE:
        assert contrast_on_white(colour) >= 3, colour


def test_the_old_ten_colour_palette_would_have_failed():
    """The check can fail: the palette used before 2 December 2026 had colours deuteranopes confuse."""
    old = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#882255", "#999933", "#44AA99"]
    assert closest_pair(old)[0] < MIN_DELTA_E
