"""Inline SVG charts for the HTML reports: no script, no external file, every text escaped."""

from __future__ import annotations

from html import escape

FONT = 'font-family="system-ui, sans-serif" font-size="11"'
BLUE, RED, GREY, INK = "#2f6db5", "#c0392b", "#d5dbe3", "#1d2733"


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" {FONT}>'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "",
          fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" {extra}>'
            f"{escape(str(text))}</text>")


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{fill}">{title}</rect>')


def hbars(items: list[tuple[str, float]], title: str, maximum: float = 1.0,
          fmt: str = "{:.2f}", label_width: int = 170) -> str:
    """Horizontal bars, one per (label, value), in the given order."""
    row, width = 18, 260
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        share = value / maximum if maximum else 0.0
        body += [_text(label_width - 6, y + 12, label, "end"),
                 _rect(label_width, y + 2, width, row - 5, GREY),
                 _rect(label_width, y + 2, width * min(share, 1.0), row - 5, BLUE,
                       f"{label}: {fmt.format(value)}"),
                 _text(label_width + width + 6, y + 12, fmt.format(value))]
    return _svg(label_width + width + 60, len(items) * row + 8, body, title)


def heatmap(rows: list[str], columns: list[str], matrix: list[list[float]], title: str,
            row_axis: str, column_axis: str, by_row: bool = True) -> str:
    """A grid with the counts written in, coloured by each row's share of its total
    (``by_row``) or by the share of the largest count."""
    cell, left = 24, 170
    top = 30 + 6 * max((len(c) for c in columns), default=0)
    body = [_text(left + len(columns) * cell / 2, 12, column_axis, "middle",
                  'font-weight="bold"'),
            _text(10, top - 8, row_axis, "start", 'font-weight="bold"')]
    for j, name in enumerate(columns):
        x = left + j * cell + cell / 2
        body.append(_text(x, top - 6, name, "start", f'transform="rotate(-60 {x:.1f} '
                                                     f'{top - 6:.1f})"'))
    largest = max((v for row in matrix for v in row), default=0) or 1
    for i, name in enumerate(rows):
        total = (sum(matrix[i]) or 1) if by_row else largest
        y = top + i * cell
        body.append(_text(left - 6, y + cell / 2 + 4, name, "end"))
        for j, count in enumerate(matrix[i]):
            shade = count / total
            body.append(_rect(left + j * cell, y, cell - 1, cell - 1, _shade(shade),
                              f"{name} / {columns[j]}: {count:g}"))
            if count:
                colour = "#fff" if shade > 0.5 else INK
                body.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}"'
                            f' text-anchor="middle" fill="{colour}">{count:g}</text>')
    return _svg(left + len(columns) * cell + 80, top + len(rows) * cell + 10, body, title)


def _shade(share: float) -> str:
    """White to the report's blue."""
    r, g, b = (int(255 + (c - 255) * share) for c in (47, 109, 181))
    return f"#{r:02x}{g:02x}{b:02x}" if share else "#f4f6f9"


def reliability(bins: list[dict], title: str) -> str:
    """Accuracy per confidence bin against the diagonal of perfect calibration."""
    size, pad = 240, 36
    body = _axes(pad, size, "confidence", "accuracy")
    for b in bins:
        if not b["n"]:
            continue
        x, w = pad + b["low"] * size, (b["high"] - b["low"]) * size
        h = b["accuracy"] * size
        body.append(_rect(x + 1, pad + size - h, w - 2, h, BLUE,
                          f"({b['low']:.2f}, {b['high']:.2f}]: n {b['n']}, accuracy "
                          f"{b['accuracy']:.2f}, confidence {b['confidence']:.2f}"))
    body.append(f'<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" '
                f'stroke="{RED}" stroke-dasharray="4 3"/>')  # over the bars, never hidden
    return _svg(size + pad * 2, size + pad * 2, body, title)


def _axes(pad: int, size: int, x_label: str, y_label: str) -> list[str]:
    out = [f'<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad + size}" '
           f'stroke="{INK}"/>', f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{pad + size}" '
           f'stroke="{INK}"/>']
    for tick in (0, 0.5, 1):
        out += [_text(pad + tick * size, pad + size + 14, f"{tick:g}", "middle"),
                _text(pad - 4, pad + size - tick * size + 4, f"{tick:g}", "end")]
    out += [_text(pad + size / 2, pad + size + 28, x_label, "middle"),
            _text(12, pad - 10, y_label)]
    return out


def lines(xs: list[float], series: dict[str, list[float]], title: str, x_label: str,
          marker: float | None = None) -> str:
    """Lines over x in [0, 1] with values in [0, 1]; an optional vertical marker."""
    size, pad = 240, 36
    colours = [BLUE, RED, "#27864a", "#8e44ad"]
    body = _axes(pad, size, x_label, "share")
    for n, (name, ys) in enumerate(series.items()):
        points = " ".join(f"{pad + x * size:.1f},{pad + size - y * size:.1f}"
                          for x, y in zip(xs, ys, strict=True))
        colour = colours[n % len(colours)]
        body += [f'<polyline points="{points}" fill="none" stroke="{colour}" '
                 f'stroke-width="2"/>', _text(pad + size + 8, pad + 14 * n + 10, name,
                                              fill=colour)]
    if marker is not None:
        x = pad + marker * size
        body += [f'<line x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{pad + size}" '
                 f'stroke="{INK}" stroke-dasharray="2 3"/>',
                 _text(x + 3, pad + 10, f"threshold {marker:g}")]
    return _svg(size + pad * 2 + 110, size + pad * 2, body, title)


def grouped_bars(groups: dict[str, dict[str, float]], title: str, unit: str = "") -> str:
    """Vertical bars: per group (e.g. a stage) one bar per key (e.g. p50, p90, p99)."""
    keys = list(dict.fromkeys(k for values in groups.values() for k in values))
    top = max((v for values in groups.values() for v in values.values()), default=0) or 1
    height, pad, bar, left = 180, 36, 18, 70
    width = left + len(groups) * (len(keys) * bar + 24) + 20
    body = [f'<line x1="{left}" y1="{pad + height}" x2="{width}" y2="{pad + height}" '
            f'stroke="{INK}"/>', *_value_axis(left, pad, height, top, unit)]
    for g, (group, values) in enumerate(groups.items()):
        x0 = left + 10 + g * (len(keys) * bar + 24)
        body.append(_text(x0 + len(keys) * bar / 2, pad + height + 14, group, "middle"))
        for n, key in enumerate(keys):
            value = values.get(key, 0)
            h = value / top * height
            body += [_rect(x0 + n * bar, pad + height - h, bar - 3, h, BLUE,
                           f"{group} {key}: {value:g}{unit}"),
                     _text(x0 + n * bar + bar / 2, pad + height - h - 3, key, "middle",
                           'font-size="9"')]
    return _svg(width, height + pad * 2, body, title)


def _value_axis(left: int, pad: int, height: int, top: float, unit: str) -> list[str]:
    """A vertical axis from 0 to ``top`` with three ticks (the bars' values are readable
    without hovering)."""
    out = [f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + height}" stroke="{INK}"/>']
    for share in (0, 0.5, 1):
        y = pad + height - share * height
        out += [f'<line x1="{left - 3}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" '
                f'stroke="{INK}"/>', _text(left - 5, y + 4, f"{top * share:.3g}{unit}", "end")]
    return out
