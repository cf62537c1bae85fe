"""Charts drawn on the server as SVG, for the PDF reports (WeasyPrint runs no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLOUR = "#b3262d"
FONT = 'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"'


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.2f}"


def hbar(labels: Sequence[str], values: Sequence[float], *, width: int = 520, row: int = 18) -> SafeString:
    """A horizontal bar chart, one bar per label, largest scale at the widest value."""
    left, right = 130, 70
    height = max(row * len(labels) + 10, 30)
    top = max(values, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" {FONT} font-size="10">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * row
        w = (width - left - right) * max(value, 0) / top
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(label[:14])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{COLOUR}"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}">{_fmt(value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (labels escaped above)


def columns(labels: Sequence[str], values: Sequence[float], *, width: int = 250, height: int = 140) -> SafeString:
    """A small column chart (a five-year trend)."""
    bottom, top_pad = 20, 16
    n = max(len(values), 1)
    slot = width / n
    top = max(values, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" {FONT} font-size="9">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (height - bottom - top_pad) * max(value, 0) / top
        x = i * slot + slot * 0.2
        y = height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="{COLOUR}"/>')
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{y - 3:.1f}" text-anchor="middle">{_fmt(value)}</text>')
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{height - 6}" text-anchor="middle">{escape(str(label))}</text>'
        )
    parts.append(f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (labels escaped above)
