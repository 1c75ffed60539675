"""The /progress picture: tries per week and tries per skill, as a PNG. matplotlib with the Agg backend;
call it in a thread (asyncio.to_thread), since drawing takes tens of milliseconds."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from bot.i18n import Translator
from bot.i18n.catalog import english
from bot.render import skill_label
from bot.services.progress import Progress

GREEN = "#4c9a6a"
BLUE = "#4a78a8"


def progress_png(p: Progress, t: Translator | None = None) -> bytes:
    buf = io.BytesIO()
    build_figure(p, t or english()).savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def build_figure(p: Progress, t: Translator | None = None) -> Figure:
    t = t or english()
    # A Figure, not pyplot: no global state, so threads can draw side by side.
    fig = Figure(figsize=(8, 4.2), dpi=100)
    weeks_ax, skills_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    labels = [t.date(m, "MMMd") for m, _ in p.weeks]
    weeks_ax.bar(range(len(p.weeks)), [n for _, n in p.weeks], color=GREEN)
    weeks_ax.set_xticks(range(len(p.weeks)), labels, rotation=45, ha="right", fontsize=8)
    weeks_ax.set_title(t("chart-per-week"))
    weeks_ax.yaxis.get_major_locator().set_params(integer=True)
    if p.by_skill:
        names = [skill_label(k, t) for k in p.by_skill][::-1]
        skills_ax.barh(names, list(p.by_skill.values())[::-1], color=BLUE)
        skills_ax.xaxis.get_major_locator().set_params(integer=True)
        skills_ax.tick_params(axis="y", labelsize=8)
    else:
        skills_ax.text(0.5, 0.5, t("chart-none"), ha="center", va="center")
        skills_ax.set_axis_off()
    skills_ax.set_title(t("chart-per-skill"))
    for ax in (weeks_ax, skills_ax):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
