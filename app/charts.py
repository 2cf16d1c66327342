"""Charts drawn as inline SVG on the server: no chart library, no network (a school's closed
intranet and mainland networks block the usual CDNs and Google Charts)."""
from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape


def _bar_colour(i: int) -> str:
    return ("#337ab7", "#5cb85c", "#f0ad4e", "#5bc0de", "#d9534f", "#777")[i % 6]


def hbar_svg(title: str, items: list[tuple[str, int]], width: int = 560) -> Markup:
    """Horizontal bars, one per label: for categories (purpose, department)."""
    row, label_w, top = 22, 150, 28
    height = top + row * max(len(items), 1) + 8
    peak = max([v for _, v in items] or [0]) or 1
    parts = [f'<svg class="hq-chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bar = int((width - label_w - 50) * value / peak)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{bar}" height="{row - 6}" fill="{_bar_colour(i)}"/>'
                     f'<text x="{label_w + bar + 4}" y="{y + 15}" font-size="12">{value}</text>')
    if not items:
        parts.append(f'<text x="{label_w}" y="{top + 15}" font-size="12" fill="#777">{escape(gettext("No data"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def vbar_svg(title: str, items: list[tuple[str, int]], width: int = 760, height: int = 220) -> Markup:
    """Vertical bars along a time axis (days, hours); labels thinned to stay readable."""
    top, bottom, left = 28, 34, 30
    plot_h, plot_w = height - top - bottom, width - left - 10
    peak = max([v for _, v in items] or [0]) or 1
    step = plot_w / max(len(items), 1)
    every = max(1, int(len(items) / 16) + (1 if len(items) % 16 else 0)) if len(items) > 16 else 1
    parts = [f'<svg class="hq-chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<text x="{left - 4}" y="{top + 10}" font-size="10" text-anchor="end">{peak}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>']
    for i, (label, value) in enumerate(items):
        bar_h = int(plot_h * value / peak)
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - bar_h}" width="{max(step - 2, 1):.1f}" '
                     f'height="{bar_h}" fill="#337ab7"><title>{escape(label)}: {value}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
