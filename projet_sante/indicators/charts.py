"""Server-rendered SVG charts: the same markup on the dashboard and in the PDF (WeasyPrint).

Accessible: role="img", a <title> and a <desc> listing every value, and the values written as
text beside the bars / points (no colour-only information). Masked values are drawn as an empty
bar labelled "< N".
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#0b5f8a"
LINE_COLOUR = "#0b5f8a"
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#c9d3da"


def _svg_start(title: str, desc: str, width: int, height: int) -> list[str]:
    """The chart's opening tag, its title and the description listing every value."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="ess-chart" font-family="DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def _axis(left: int, plot_w: int, y: int) -> str:
    return f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{GRID_COLOUR}"/>'


@dataclass(frozen=True)
class _Frame:
    """Where a trend's points go: the first one at `left`, then one every `step`; a value of
    `top` stands `plot_h` above the `baseline`."""

    left: int
    step: float
    baseline: int
    plot_h: int
    top: float


def _trend(
    parts: list[str],
    points: list[tuple[str, float | None, str]],
    frame: _Frame,
    *,
    height: int,
    masked_shown: bool,
) -> SafeString:
    """The chart's end after its first parts (opening, title, axis): each point's x label, each
    known value as a dot with the value above it, the line through them drawn under the rest;
    a masked value written on the axis where `masked_shown`, else left out."""
    coords = []
    for i, (label, value, shown) in enumerate(points):
        x = frame.left + i * frame.step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
        if value is None:
            if masked_shown:
                parts.append(
                    f'<text x="{x:.1f}" y="{frame.baseline - 6}" font-size="11" '
                    f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
                )
            continue
        y = frame.baseline - frame.plot_h * value / frame.top
        coords.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE_COLOUR}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        )
    if len(coords) > 1:
        parts.insert(
            3,
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="2"/>',
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above


def bar_chart(
    title: str, items: list[tuple[str, int | None, str]], *, width: int = 640
) -> SafeString:
    """Horizontal bars. `items`: (label, value or None when masked, displayed value)."""
    if not items:
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="40" '
            f'viewBox="0 0 {width} 40" class="ess-chart"><title>{escape(title)}</title>'
            f'<text x="0" y="24" font-size="13" fill="{TEXT_COLOUR}">Aucune donnée</text></svg>'
        )
    row, label_width, value_width = 26, 280, 70
    height = row * len(items) + 8
    plot = width - label_width - value_width
    top = max([v for _l, v, _d in items if v is not None] or [1]) or 1
    desc = "; ".join(f"{label} : {shown}" for label, _v, shown in items)
    parts = _svg_start(title, desc, width, height)
    for i, (label, value, shown) in enumerate(items):
        y = 4 + i * row
        bar = 0 if value is None else max(2, round(plot * value / top)) if value else 0
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" font-size="12" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(short)}</text>'
        )
        if value is None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{plot}" height="{row - 8}" '
                f'fill="none" stroke="{GRID_COLOUR}" stroke-dasharray="4 3"/>'
            )
        else:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar}" height="{row - 8}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        text_x = label_width + (plot if value is None else bar) + 6
        parts.append(
            f'<text x="{text_x}" y="{y + 16}" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above


def line_chart(
    title: str, points: list[tuple[str, int | None, str]], *, width: int = 640, height: int = 200
) -> SafeString:
    """A trend line. `points`: (x label, value or None when masked, displayed value)."""
    left, right, top_pad, bottom = 40, 40, 24, 36
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    known = [v for _l, v, _d in points if v is not None]
    top = max(known or [1]) or 1
    step = plot_w / max(len(points) - 1, 1)
    desc = "; ".join(f"{label} : {shown}" for label, _v, shown in points)
    parts = [*_svg_start(title, desc, width, height), _axis(left, plot_w, top_pad + plot_h)]
    frame = _Frame(left=left, step=step, baseline=top_pad + plot_h, plot_h=plot_h, top=top)
    return _trend(parts, points, frame, height=height, masked_shown=True)


TARGET_COLOUR = "#b34700"


def target_line_chart(
    title: str,
    points: list[tuple[str, float | None, str]],
    *,
    target: float | None,
    target_label: str = "",
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """A share's trend (0-100 %) with a dashed horizontal target line, labelled in text."""
    left, right, top_pad, bottom = 40, 110, 24, 36
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    known = [v for _l, v, _d in points if v is not None]
    top = max([*known, target or 0, 1])
    top = min(100.0, top * 1.1) if top < 100 else top
    step = plot_w / max(len(points) - 1, 1)
    desc = "; ".join(f"{label} : {shown}" for label, _v, shown in points)
    if target is not None:
        desc += f"; {target_label}"
    parts = [*_svg_start(title, desc, width, height), _axis(left, plot_w, top_pad + plot_h)]
    if target is not None:
        y = top_pad + plot_h - plot_h * target / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" font-size="11" '
            f'fill="{TARGET_COLOUR}">{escape(target_label)}</text>'
        )
    frame = _Frame(left=left, step=step, baseline=top_pad + plot_h, plot_h=plot_h, top=top)
    return _trend(parts, points, frame, height=height, masked_shown=False)
