"""Measuring and printing helpers for the benchmarks.

Speed is measured with tracemalloc off (it slows Python down several times); memory in a separate pass with
it on. Peak memory is the peak of Python allocations made during the measured call, above what was live before.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

MIB = 1024 * 1024


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


async def atimed(fn: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    gc.collect()
    start = time.perf_counter()
    result = await fn()
    return result, time.perf_counter() - start


def traced(fn: Callable[[], T]) -> tuple[T, int]:
    """Run ``fn`` under tracemalloc; returns its result and the peak bytes allocated during it."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - base


async def atraced(fn: Callable[[], Awaitable[T]]) -> tuple[T, int]:
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = await fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - base


def each_timed(fn: Callable[[str], T], items: list[str]) -> tuple[list[T], list[float], list[float]]:
    """``fn`` over ``items``: the results, each call's wall time and its CPU time (the thread's own). On a
    loaded machine the wall time's tail is mostly the scheduler's; the CPU time is what the call itself cost."""
    results: list[T] = []
    wall: list[float] = []
    cpu: list[float] = []
    for item in items:
        w, c = time.perf_counter(), time.thread_time()
        results.append(fn(item))
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return results, wall, cpu


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def us(seconds: float, calls: int, per: str = "call") -> str:
    """Microseconds per call (or per whatever ``per`` names)."""
    return f"{seconds / max(calls, 1) * 1e6:,.1f} µs/{per}"


def mib(n: int) -> str:
    return f"{n / MIB:,.2f} MiB"


def report(title: str, rows: list[tuple[str, str]]) -> None:
    """A compact two-column table: one line per figure, units in the value."""
    width = max(len(name) for name, _ in rows)
    print(f"\n── {title} " + "─" * max(0, 60 - len(title)))
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
