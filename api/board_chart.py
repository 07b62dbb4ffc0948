"""The board's chart of the monthly figures, drawn as inline SVG on the server (no script, no CDN)."""

from __future__ import annotations

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


def monthly_chart(months: list[dict[str, Any]]) -> Markup:
    """Grouped bars for the counts of each month, and a line for the satisfaction rate (right axis)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max([m[key] for m in months for key, _, _ in SERIES] + [1])
    scale = _nice(peak)
    group = plot_w / max(len(months), 1)
    bar = group * 0.8 / len(SERIES)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="月度统计图 Monthly figures" xmlns="http://www.w3.org/2000/svg">',
        '<style>text{font-size:18px;fill:#e5e7eb}.grid{stroke:#374151;stroke-width:1}</style>',
    ]
    for step in range(5):
        value = scale * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 6:.1f}" text-anchor="end">{value:g}</text>')
        parts.append(f'<text x="{WIDTH - RIGHT + 8}" y="{y + 6:.1f}">{step * 25}%</text>')
    points = []
    for index, month in enumerate(months):
        x0 = LEFT + group * index + group * 0.1
        for n, (key, label, colour) in enumerate(SERIES):
            h = plot_h * month[key] / scale
            parts.append(
                f'<rect x="{x0 + n * bar:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(month["month"])} {escape(label)}: {month[key]}</title></rect>'
            )
        parts.append(
            f'<text x="{LEFT + group * (index + 0.5):.1f}" y="{TOP + plot_h + 26}" text-anchor="middle">'
            f'{escape(month["month"][2:])}</text>'
        )
        if month[RATE[0]] is not None:
            points.append((LEFT + group * (index + 0.5), TOP + plot_h - plot_h * month[RATE[0]]))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{RATE[2]}" stroke-width="4"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{RATE[2]}"/>' for x, y in points)
    legend_x = LEFT
    for _, label, colour in (*SERIES, RATE):
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT - 36}" width="18" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 24}" y="{HEIGHT - 20}">{escape(label)}</text>')
        legend_x += 40 + sum(18 if ord(ch) > 0x2E80 else 9 for ch in label)
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice(peak: float) -> float:
    """A round number at or above ``peak``, for the axis."""
    for base in (1, 2, 4, 5, 8, 10):
        magnitude = 10 ** (len(str(int(peak))) - 1)
        if base * magnitude >= peak:
            return float(base * magnitude)
    return float(peak)
