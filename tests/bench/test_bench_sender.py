"""Fan-out at the ceiling: the real bot process (`python -m bot`, SQLite file) against the fake Bot API with an
80 ms round trip and Telegram's limits enforced (30/s overall, 1/s per chat), so every 429 counted is real.

Figures printed:
  * prompts/s and all messages/s (prompts + replies) as a share of the configured ceiling, and the 429 count;
  * reply latency p50/p99 for REPLIERS people talking to the bot during the fan-out, and replies dropped;
  * how long the dispatcher took to queue every family (all due at the same minute);
  * RSS idle and at the peak of the fan-out, next to the bare-import floor (aiogram + SQLAlchemy only).

BENCH_FANOUT sets the size (default 10,000: about 340 s at 30/s); BENCH_RATE the ceiling given to the bot
(RATE_PER_SECOND, default Telegram's 30/s: the bot keeps its own safety margin under it). Shares are of 30/s,
Telegram's rate, whatever BENCH_RATE is. The bot's log is kept in BENCH_LOG (default: the test's tmp dir) and its
warnings are counted by kind.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from bot.content import Library
from bot.db.engine import create_engine, session_factory
from bot.db.models import Family
from tests.bench.seed import seed_families
from tests.bench.util import report
from tests.e2e.engine_proc import ROOT, bot_env, start_bot, wait_until
from tests.fakebot import FakeTelegram, Network

N = int(os.environ.get("BENCH_FANOUT", "10000"))
RATE = float(os.environ.get("BENCH_RATE", "30"))
TELEGRAM_RATE = 30.0
REPLIERS = 10
REPLY_EVERY = 2.0  # seconds between one person's messages (above the 1/s per-chat limit)
IN_STEP = os.environ.get("BENCH_IN_STEP") == "1"
MIB = 1024 * 1024


def rss(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def import_floor() -> int:
    code = "import aiogram, sqlalchemy, sqlalchemy.ext.asyncio; from aiogram import Bot, Dispatcher\n"
    code += "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.strip()) * 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _talk(
    tg: FakeTelegram,
    user: int,
    latencies: list[float],
    slow: list[tuple[float, float]],
    dropped: list[int],
    done: asyncio.Event,
    phase: float,
) -> None:
    # People talk independently: each starts at their own moment in the cycle (BENCH_IN_STEP=1 makes them all
    # ask at the same instant, the worst case: ten replies then need ten of the 30/s slots at once).
    await asyncio.sleep(phase)
    while not done.is_set():
        before = len(tg.sent(user))
        start = time.monotonic()
        await tg.send_text(user, "/start")
        try:
            await wait_until(lambda b=before: len(tg.sent(user)) > b, 30)
            latencies.append(time.monotonic() - start)
            slow.append((start, time.monotonic() - start))
        except AssertionError:
            dropped.append(user)
        await asyncio.sleep(max(0.0, REPLY_EVERY - (time.monotonic() - start)))


def _deliveries(db_file: str) -> int:
    """A plain WAL reader: the observer must never compete with the bot for the write lock."""
    with sqlite3.connect(db_file, timeout=30) as conn:
        return int(conn.execute("SELECT count(*) FROM deliveries").fetchone()[0])


def _kind(line: str) -> str:
    """A log line without its numbers and times, so lines of one kind count together."""
    return re.sub(r"\d[\d:.,T+-]*", "#", line.split(" ", 2)[-1])[:90]


@pytest.mark.bench
async def test_fan_out_at_the_ceiling(tmp_path: Path, sqlite_url: str, library: Library) -> None:
    floor = import_floor()
    network = Network(latency=0.08, global_limit=30, per_chat_limit=1)
    async with FakeTelegram(network=network) as tg:
        engine = create_engine(sqlite_url)
        sessions = session_factory(engine)
        # Seeded for tomorrow, so the bot starts idle; made due all at once below.
        seeded = await seed_families(sessions, library, N, due_at=datetime.now(UTC) + timedelta(days=2))
        users = seeded.telegram_ids
        for uid in users:
            tg.add_user(uid)
        repliers = [900_000_000 + i for i in range(REPLIERS)]
        for uid in repliers:
            tg.add_user(uid)
        env = bot_env(
            tg,
            sqlite_url,
            RATE_PER_SECOND=str(RATE),
            TICK_SECONDS="1",
            SEND_POLL_SECONDS="0.5",
            CLAIM_LEASE_SECONDS="60",
            REQUEST_TIMEOUT="10",
            SEND_CONCURRENCY="16",
            RETRY_BASE_SECONDS="15",
            LOG_LEVEL="WARNING",
        )
        proc = await start_bot(env, tmp_path, tg)
        try:
            await asyncio.sleep(3)
            idle = rss(proc.pid)
            due = datetime.now(UTC).replace(microsecond=0)
            async with sessions() as s, s.begin():
                await s.execute(update(Family).values(next_send_at=due))
            t_due = time.monotonic()
            latencies: list[float] = []
            timed: list[tuple[float, float]] = []  # (when asked, latency)
            dropped: list[int] = []
            done = asyncio.Event()
            talkers = [
                asyncio.create_task(
                    _talk(tg, u, latencies, timed, dropped, done, 0.0 if IN_STEP else i * REPLY_EVERY / len(repliers))
                )
                for i, u in enumerate(repliers)
            ]
            t_queued: float | None = None
            db_file = make_url(sqlite_url).database or ""
            while not all(tg.sent(u) for u in users):
                if t_queued is None and await asyncio.to_thread(_deliveries, db_file) == N:
                    t_queued = time.monotonic() - t_due
                await asyncio.sleep(0.5)
                assert proc.returncode is None, "the bot died"
            done.set()
            await asyncio.gather(*talkers)
            peak = rss(proc.pid, "VmHWM")
        finally:
            if proc.returncode is None:
                proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 60)
            if proc.returncode not in (0, -15):
                print(err.decode(errors="replace")[-3000:])
            await engine.dispose()
    log_text = err.decode(errors="replace")
    log_file = Path(os.environ.get("BENCH_LOG") or tmp_path / "bot.log")
    log_file.write_text(log_text)  # noqa: ASYNC240 - once, after the run
    wanted = {str(u) for u in users}
    prompt_times = [t for t, chat in network.accepted if chat in wanted]
    first, last = prompt_times[0], prompt_times[-1]
    span = max(last - first, 1e-3)
    # Everything Telegram counted against the 30/s while the prompts were going out: prompts, replies, edits.
    counted = sum(1 for t, _ in network.accepted if first <= t <= last)
    stamps = [c for c in tg.calls if c.method == "sendMessage" and c.ok]
    replies = sum(len(tg.sent(u)) for u in repliers)
    too_many = sum(1 for c in tg.calls if c.status == 429)
    to_repliers = sum(1 for c in tg.calls if c.status == 429 and int(c.params.get("chat_id", 0)) in set(repliers))
    prompt_rate = N / span
    all_rate = counted / span
    quarters = [
        sum(1 for t, _ in network.accepted if first + q * span / 4 <= t < first + (q + 1) * span / 4) / (span / 4)
        for q in range(4)
    ]
    slow = sorted(round(t - t_due) for t, took in timed if took > 0.5)
    kinds = Counter(_kind(line) for line in log_text.splitlines() if re.search(r"WARNING|ERROR|CRITICAL", line))
    report(
        f"Fan-out of {N:,} at 80 ms RTT, RATE_PER_SECOND={RATE:g} (fake enforces 30/s overall, 1/s per chat)",
        [
            ("prompts", f"{N:,} in {span:,.1f} s: {prompt_rate:.2f}/s = {prompt_rate / TELEGRAM_RATE:.1%} of 30/s"),
            (
                "all messages",
                f"{counted:,} counted by Telegram in that span ({replies} replies in all): "
                f"{all_rate:.2f}/s = {all_rate / TELEGRAM_RATE:.1%} of 30/s",
            ),
            ("by quarter of the span", ", ".join(f"{r:.2f}/s" for r in quarters)),
            (
                "429 from the fake",
                f"{too_many} (global {network.rejected['global']}, chat {network.rejected['chat']}; "
                f"{to_repliers} on replies)",
            ),
            ("queued by the dispatcher", f"all {N:,} in {t_queued:.1f} s" if t_queued else "n/a"),
            (
                "reply latency",
                f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {pct(latencies, 0.99) * 1000:.0f} ms "
                f"over {len(latencies)} replies; dropped {len(dropped)}; "
                + ("all asking at the same instant" if IN_STEP else "each person at their own moment"),
            ),
            (
                "replies over 0.5 s",
                f"{len(slow)}, asked at +s: " + ", ".join(f"{t}x{n}" for t, n in sorted(Counter(slow).items())[:12]),
            ),
            ("RSS floor", f"{floor / MIB:.0f} MiB (import aiogram + sqlalchemy)"),
            ("RSS idle", f"{idle / MIB:.0f} MiB (+{(idle - floor) / MIB:.0f} MiB)"),
            ("RSS peak", f"{peak / MIB:.0f} MiB (+{(peak - floor) / MIB:.0f} MiB) during the fan-out"),
            ("sendMessage calls", f"{len(stamps):,} ok"),
            ("bot log", f"{log_file}: " + (", ".join(f"{n} x {k}" for k, n in kinds.most_common(8)) or "quiet")),
            ("'database is locked'", str(log_text.count("database is locked"))),
        ],
    )
    assert "Traceback" not in log_text
    assert all(tg.sent(u) for u in users)
