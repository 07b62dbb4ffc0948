"""The board's chart of the monthly figures, drawn as inline SVG on the server (no script, no CDN)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

SERIES = (
    ("received", "受理 Received", "#3b82f6"),
    ("resolved_on_spot", "当场解决 On the spot", "#16a34a"),
    ("resolved_on_time", "按期办结 On time", "#84cc16"),
    ("escalated", "报党委 Escalated", "#a855f7"),
    ("overdue", "超期 Overdue", "#dc2626"),
)
RATE = ("satisfaction_rate", "满意率 Satisfaction", "#f59e0b")
WIDTH, HEIGHT = 1200, 440
LEFT, RIGHT, TOP, BOTTOM = 60, 70, 20, 90
# a phone's chart: drawn about as wide as it is shown (some 340 CSS px), so its 14-unit labels read at ~13 px;
# its legend is HTML (board/wall.html), not drawn
PHONE = {"width": 360, "height": 260, "left": 34, "right": 40, "top": 12, "bottom": 30, "font": 14}
WALL = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": RIGHT, "top": TOP, "bottom": BOTTOM, "font": 18}


def monthly_chart(months: list[dict[str, Any]], *, phone: bool = False, text: ChartText | None = None) -> Markup:
    """Grouped bars for the counts of each month, and a line for the satisfaction rate (right axis).
    With ``text`` (the ledger page), the chart has a title, names its axes and labels its months as
    ``text.month`` reads them (7月 / Jul)."""
    size = PHONE if phone else WALL
    width, height, left, right, top = size["width"], size["height"], size["left"], size["right"], size["top"]
    font = size["font"]
    if text is not None:  # room above the plot for the title and the axes' names
        top += 2 * (font + 10)
        height += 2 * (font + 10)
    plot_w, plot_h = width - left - right, height - top - size["bottom"]
    peak = max([m[key] for m in months for key, _, _ in SERIES] + [1])
    scale = _nice(peak)
    group = plot_w / max(len(months), 1)
    bar = group * 0.8 / len(SERIES)
    parts = [
        f'<svg class="chart{" phone" if phone else ""}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="月度统计图 Monthly figures" xmlns="http://www.w3.org/2000/svg">',
        f'<style>text{{font-size:{font}px;fill:#e5e7eb}}.grid{{stroke:#374151;stroke-width:1}}</style>',
    ]
    for step in range(5):
        value = scale * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + font / 3:.1f}" text-anchor="end">{value:g}</text>')
        parts.append(f'<text x="{width - right + 6}" y="{y + font / 3:.1f}">{step * 25}%</text>')
    points = []
    for index, month in enumerate(months):
        x0 = left + group * index + group * 0.1
        for n, (key, label, colour) in enumerate(SERIES):
            h = plot_h * month[key] / scale
            parts.append(
                f'<rect x="{x0 + n * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(month["month"])} {escape(label)}: {month[key]}</title></rect>'
            )
        number = int(month["month"][5:])
        starts_a_year = not phone and (index == 0 or number == 1)
        name = f"{month['month'][:4]}年{number}月" if starts_a_year else f"{number}月"
        if text is not None:
            name = text.month(month["month"])
        parts.append(
            f'<text x="{left + group * (index + 0.5):.1f}" y="{top + plot_h + font + 6}" text-anchor="middle">'
            f'{escape(name)}</text>'
        )
        if month[RATE[0]] is not None:
            points.append((left + group * (index + 0.5), top + plot_h - plot_h * month[RATE[0]]))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{RATE[2]}" stroke-width="{3 if phone else 4}"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 if phone else 6}" fill="{RATE[2]}"/>' for x, y in points)
    legend_x = left
    for _, label, colour in () if phone else (*SERIES, RATE):
        parts.append(f'<rect x="{legend_x}" y="{height - 36}" width="18" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 24}" y="{height - 20}">{escape(label)}</text>')
        legend_x += 40 + sum(18 if ord(ch) > 0x2E80 else 9 for ch in label)
    if text is not None:
        plot_bottom = top + plot_h
        parts.append(f'<text class="title" x="{width / 2:.0f}" y="{font + 8}" text-anchor="middle" '
                     f'style="font-size:{font + 4}px;font-weight:700">{escape(text.title)}</text>')
        parts.append(f'<text class="axis-name" x="4" y="{top - 12}">{escape(text.y_axis)}</text>')
        parts.append(f'<text class="axis-name" x="{width - right + 6}" y="{top - 12}" text-anchor="middle">'
                     f'{escape(text.rate_axis)}</text>')
        parts.append(f'<text class="axis-name" x="{left - 6}" y="{plot_bottom + font + 6}" text-anchor="end">'
                     f'{escape(text.x_axis)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class ChartText:
    """What a titled chart says, in the page's language: its title, its axes' names, and how a month
    (``2026-07``) reads."""

    title: str
    x_axis: str
    y_axis: str
    rate_axis: str
    month: Callable[[str], str]


def legend() -> list[tuple[str, str]]:
    """The chart's series as (label, colour), for a legend in HTML (a phone's chart draws none)."""
    return [(label, colour) for _, label, colour in (*SERIES, RATE)]


def _nice(peak: float) -> float:
    """A round number at or above ``peak``, for the axis."""
    for base in (1, 2, 4, 5, 8, 10):
        magnitude = 10 ** (len(str(int(peak))) - 1)
        if base * magnitude >= peak:
            return float(base * magnitude)
    return float(peak)
