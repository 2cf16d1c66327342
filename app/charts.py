"""Charts drawn as inline SVG on the server: no chart library, no network (a school's closed
intranet and mainland networks block the usual CDNs and Google Charts).

Four kinds: horizontal bars (categories), vertical bars (a time axis), lines (a time axis, one
or more series) and stacked bars (a time axis, parts of a whole). Callers pass every word
already translated (title, axis titles, series names), so axes read in the user's language.
A figure must read without colour — printed in black and white, or by a colour-blind reader:
bars carry their values, lines differ by dash and marker and are labelled at their end, and
stacked parts are filled with patterns (hatching, dots ...) named in the legend.
"""
from __future__ import annotations

import itertools
import math

from flask_babel import gettext
from markupsafe import Markup, escape

_ids = itertools.count(1)

COLOURS = ("#337ab7", "#d9534f", "#5cb85c", "#f0ad4e", "#6f42c1", "#777777")
# Line series: dash pattern and marker shape, so they differ in black and white too.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle")
# Stacked parts: a fill pattern each (drawn over the colour).
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical")


def _bar_colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def nice_ceiling(peak: float) -> tuple[float, float]:
    """(top of the axis, tick step): 1, 2 or 5 times a power of ten, four or five ticks. A whole
    number peak (a count) never gets a tick between whole numbers: 0, 1 rather than 0, 0.5, 1."""
    if peak <= 0:
        return 1, 1
    raw = peak / 4
    power = 10 ** math.floor(math.log10(raw))
    # 2.5 only from 25 up: counts keep whole-number ticks
    steps = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if isinstance(peak, int) and step < 1:
        step = 1
    if step >= 1:
        step = int(step)
    return math.ceil(peak / step - 1e-9) * step, step


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(title: str, width: int, height: int) -> list[str]:
    return [f'<svg class="hq-chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">'
            f'<title>{escape(title)}</title>',
            f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']


def _no_data(parts: list[str], x: float, y: float) -> None:
    text = gettext("No data")  # not inside the f-string: the extractor would miss it
    parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" fill="#555">{escape(text)}</text>')


def _y_axis(parts, left, top, plot_w, plot_h, axis_top, step, y_label):
    """Ticks with grid lines, and the axis title along the side."""
    value = 0.0
    while value <= axis_top + 1e-9:
        y = top + plot_h - plot_h * value / axis_top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="10" text-anchor="end">{_num(value)}</text>')
        value += step
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>'
                 f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>')
    if y_label:
        cy = top + plot_h / 2
        parts.append(f'<text x="12" y="{cy:.1f}" font-size="11" text-anchor="middle" '
                     f'transform="rotate(-90 12 {cy:.1f})">{escape(y_label)}</text>')


def _x_labels(parts, labels, left, step, baseline, x_label, width, height):
    every = max(1, math.ceil(len(labels) / 16))  # at most 16 labels: readable, never overlapping
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{left + i * step + step / 2:.1f}" y="{baseline + 14}" font-size="10" '
                         f'text-anchor="middle">{escape(label)}</text>')
    if x_label:
        parts.append(f'<text x="{left + (width - left - 10) / 2:.1f}" y="{height - 4}" font-size="11" '
                     f'text-anchor="middle">{escape(x_label)}</text>')


def hbar_svg(title: str, items: list[tuple[str, int]], width: int = 560, x_label: str | None = None) -> Markup:
    """Horizontal bars, one per label, each with its value: for categories (purpose, department)."""
    row, label_w, top = 22, 150, 28
    bottom = 20 if x_label else 8
    height = top + row * max(len(items), 1) + bottom
    peak = max([v for _, v in items] or [0]) or 1
    parts = _open(title, width, height)
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bar = int((width - label_w - 50) * value / peak)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{bar}" height="{row - 6}" fill="{_bar_colour(i)}"/>'
                     f'<text x="{label_w + bar + 4}" y="{y + 15}" font-size="12">{value}</text>')
    if not items:
        _no_data(parts, label_w, top + 15)
    if x_label:
        parts.append(f'<text x="{label_w + (width - label_w - 50) / 2:.0f}" y="{height - 4}" font-size="11" '
                     f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def vbar_svg(title: str, items: list[tuple[str, int]], width: int = 760, height: int = 240,
             x_label: str | None = None, y_label: str | None = None) -> Markup:
    """Vertical bars along a time axis (days, hours); labels thinned to stay readable, values
    on the bars when there is room for them."""
    top, bottom, left = 28, 34 + (14 if x_label else 0), 46
    plot_h, plot_w = height - top - bottom, width - left - 10
    axis_top, tick = nice_ceiling(max([v for _, v in items] or [0]))
    step = plot_w / max(len(items), 1)
    parts = _open(title, width, height)
    _y_axis(parts, left, top, plot_w, plot_h, axis_top, tick, y_label)
    for i, (label, value) in enumerate(items):
        bar_h = plot_h * value / axis_top
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - bar_h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{bar_h:.1f}" fill="#337ab7"><title>{escape(label)}: {value}</title></rect>')
        if step >= 18 and value:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h - bar_h - 2:.1f}" font-size="9" '
                         f'text-anchor="middle">{value}</text>')
    if not items:
        _no_data(parts, left + 8, top + 20)
    _x_labels(parts, [label for label, _ in items], left, step, top + plot_h, x_label, width, height)
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 3:.1f} Z" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y:.1f} L{x:.1f} {y + 4:.1f} L{x - 4:.1f} {y:.1f} Z" '
                f'fill="{colour}"/>')
    if shape == "cross":
        return (f'<path d="M{x - 3:.1f} {y - 3:.1f} L{x + 3:.1f} {y + 3:.1f} M{x + 3:.1f} {y - 3:.1f} '
                f'L{x - 3:.1f} {y + 3:.1f}" stroke="{colour}" stroke-width="2"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def line_svg(title: str, labels: list[str], series: list[tuple[str, list[float]]], width: int = 760,
             height: int = 260, x_label: str | None = None, y_label: str | None = None) -> Markup:
    """One line per series over the same x labels (days, months). Each series has its own dash
    and marker, a legend entry, and its name written at the end of its line."""
    legend_h = 16 if series else 0
    top, bottom, left, right = 28 + legend_h, 34 + (14 if x_label else 0), 46, 90
    plot_h, plot_w = height - top - bottom, width - left - right
    values = [v for _, vs in series for v in vs if v is not None]
    axis_top, tick = nice_ceiling(max(values or [0]))
    step = plot_w / max(len(labels), 1)
    parts = _open(title, width, height)
    _y_axis(parts, left, top, plot_w, plot_h, axis_top, tick, y_label)
    ends = []
    for s, (name, vs) in enumerate(series):
        colour, dash, shape = _bar_colour(s), DASHES[s % len(DASHES)], MARKERS[s % len(MARKERS)]
        points = [(left + i * step + step / 2, top + plot_h - plot_h * v / axis_top)
                  for i, v in enumerate(vs) if v is not None]
        if not points:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + '/>')
        if len(points) <= 40:  # markers where they stay apart
            parts.extend(_marker(shape, x, y, colour) for x, y in points)
        ends.append([points[-1][1], name, colour])
        # legend: a sample of the line with its marker
        lx = left + s * 150
        parts.append(f'<line x1="{lx}" y1="{top - 10}" x2="{lx + 24}" y2="{top - 10}" stroke="{colour}" '
                     f'stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + '/>'
                     + _marker(shape, lx + 12, top - 10, colour)
                     + f'<text x="{lx + 30}" y="{top - 6}" font-size="11">{escape(name)}</text>')
    # direct labels at the right end, nudged apart so they never overlap
    ends.sort()
    for i in range(1, len(ends)):
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + 12)
    for y, name, colour in ends:
        parts.append(f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" font-size="11" fill="{colour}">'
                     f'{escape(name)}</text>')
    if not values:
        _no_data(parts, left + 8, top + 20)
    _x_labels(parts, labels, left, step, top + plot_h, x_label, width, height)
    parts.append("</svg>")
    return Markup("".join(parts))


def _pattern_defs(prefix: str, n: int) -> str:
    """One fill per part: its colour with a black-and-white pattern over it."""
    out = ["<defs>"]
    for i in range(n):
        colour, kind = _bar_colour(i), PATTERNS[i % len(PATTERNS)]
        ink = {"solid": "", "diagonal": '<path d="M-1 1 L1 -1 M0 6 L6 0 M5 7 L7 5" stroke="#000" stroke-width="1"/>',
               "dots": '<circle cx="3" cy="3" r="1.2" fill="#000"/>',
               "cross": '<path d="M0 0 L6 6 M6 0 L0 6" stroke="#000" stroke-width="0.8"/>',
               "horizontal": '<path d="M0 3 L6 3" stroke="#000" stroke-width="1"/>',
               "vertical": '<path d="M3 0 L3 6" stroke="#000" stroke-width="1"/>'}[kind]
        out.append(f'<pattern id="{prefix}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f'<rect width="6" height="6" fill="{colour}" fill-opacity="0.55"/>{ink}</pattern>')
    out.append("</defs>")
    return "".join(out)


def stacked_bar_svg(title: str, labels: list[str], series: list[tuple[str, list[float]]], width: int = 760,
                    height: int = 260, x_label: str | None = None, y_label: str | None = None) -> Markup:
    """Bars over the x labels, each split into the series' parts (bottom first), with the total
    on top and a patterned legend."""
    legend_h = 16 if series else 0
    top, bottom, left = 28 + legend_h, 34 + (14 if x_label else 0), 46
    plot_h, plot_w = height - top - bottom, width - left - 10
    totals = [sum((vs[i] or 0) for _, vs in series) for i in range(len(labels))]
    axis_top, tick = nice_ceiling(max(totals or [0]))
    step = plot_w / max(len(labels), 1)
    prefix = f"hqp{next(_ids)}"
    parts = _open(title, width, height)
    parts.append(_pattern_defs(prefix, len(series)))
    _y_axis(parts, left, top, plot_w, plot_h, axis_top, tick, y_label)
    for i, label in enumerate(labels):
        x, base = left + i * step, top + plot_h
        for s, (name, vs) in enumerate(series):
            value = vs[i] or 0
            if not value:
                continue
            h = plot_h * value / axis_top
            base -= h
            parts.append(f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
                         f'fill="url(#{prefix}-{s})" stroke="#333" stroke-width="0.5">'
                         f'<title>{escape(label)} · {escape(name)}: {_num(value)}</title></rect>')
        if totals[i] and step >= 18:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{base - 2:.1f}" font-size="9" text-anchor="middle">'
                         f'{_num(totals[i])}</text>')
    for s, (name, _) in enumerate(series):
        lx = left + s * 130
        parts.append(f'<rect x="{lx}" y="{top - 20}" width="14" height="12" fill="url(#{prefix}-{s})" '
                     f'stroke="#333" stroke-width="0.5"/><text x="{lx + 18}" y="{top - 10}" font-size="11">'
                     f'{escape(name)}</text>')
    if not any(totals):
        _no_data(parts, left + 8, top + 20)
    _x_labels(parts, labels, left, step, top + plot_h, x_label, width, height)
    parts.append("</svg>")
    return Markup("".join(parts))
