"""/progress: the PNG is valid and drawn from the right numbers."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta

import matplotlib

from bot.chart import build_figure, progress_png
from bot.i18n import load_catalog
from bot.services.progress import Progress


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")
    return width, height


def test_chart_is_a_valid_png_with_the_data() -> None:
    mondays = [date(2026, 3, 2) + timedelta(weeks=i) for i in range(8)]
    p = Progress(list(zip(mondays, [0, 1, 3, 0, 2, 2, 4, 1], strict=True)), {"name": 6, "calm": 4, "repair": 3})
    png = progress_png(p)
    assert _png_size(png) == (800, 420)
    assert matplotlib.get_backend().lower() == "agg"
    img = matplotlib.image.imread(io.BytesIO(png))
    assert img.shape[:2] == (420, 800)
    # The bars carry exactly the numbers: tries per week in order, tries per skill (most at the top).
    weeks_ax, skills_ax = build_figure(p).axes
    assert [bar.get_height() for bar in weeks_ax.patches] == [0, 1, 3, 0, 2, 2, 4, 1]
    assert [t.get_text() for t in weeks_ax.get_xticklabels()] == [f"{m.day} {m:%b}" for m in mondays]
    assert [bar.get_width() for bar in skills_ax.patches] == [3, 4, 6]
    assert [t.get_text() for t in skills_ax.get_yticklabels()] == [
        "Repair after conflict",
        "Your own calm",
        "Naming feelings",
    ]


def test_chart_with_no_tries() -> None:
    p = Progress([(date(2026, 3, 2), 0)], {})
    assert _png_size(progress_png(p)) == (800, 420)


def test_chart_labels_follow_the_locale() -> None:
    es = load_catalog().translator("es")
    monday = date(2026, 3, 2)
    p = Progress(weeks=[(monday, 1)], by_skill={"calm": 1})
    weeks_ax, skills_ax = build_figure(p, es).axes
    assert weeks_ax.get_title() == "Intentos por semana" and skills_ax.get_title() == "Intentos por habilidad"
    assert [t.get_text() for t in weeks_ax.get_xticklabels()] == ["2 mar"]
    assert [t.get_text() for t in skills_ax.get_yticklabels()] == ["Tu propia calma"]
