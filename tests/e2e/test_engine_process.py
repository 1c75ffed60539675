"""The real bot process mid fan-out: kill -9, SIGTERM and a faulty network never lose a prompt.

Each test seeds families due now into a SQLite file, runs `python -m bot` against the fake Bot API (80 ms round
trip, Telegram's 30/s enforced) and counts what each parent received.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.content import Library
from tests.e2e.engine_proc import bot_env, delivered, seed_due, start_bot, statuses, wait_until
from tests.fakebot import Chaos, FakeTelegram, Network

N = 150
IN_FLIGHT = 8  # SEND_CONCURRENCY in bot_env
WRITER_BATCH = 3  # outcomes waiting for the writer: at most ~50 ms of sends at 25/s


async def _sigterm(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    text = err.decode()
    assert proc.returncode == 0, text[-2000:]
    assert "stopped cleanly" in text
    return text


def _clean(log: str) -> None:
    assert "Traceback" not in log, log[-3000:]
    assert "database is locked" not in log


async def test_kill_9_mid_fan_out_then_restart_loses_nothing(tmp_path: Path, sqlite_url: str, library: Library) -> None:
    async with FakeTelegram(network=Network(latency=0.08, global_limit=30)) as tg:
        users = await seed_due(sqlite_url, library, N, tg)
        env = bot_env(tg, sqlite_url)
        proc = await start_bot(env, tmp_path, tg)
        try:
            await wait_until(lambda: sum(delivered(tg, users).values()) >= N // 3, 60)
        finally:
            proc.kill()
            await proc.wait()
        at_kill = sum(delivered(tg, users).values())
        assert at_kill < N
        proc = await start_bot(env, tmp_path, tg)
        try:
            await wait_until(lambda: all(delivered(tg, users).values()), 60)
        finally:
            log = await _sigterm(proc)
        _clean(log)
        counts = delivered(tg, users)
        assert min(counts.values()) >= 1  # 0 lost
        duplicates = sum(c - 1 for c in counts.values())
        assert duplicates <= IN_FLIGHT + WRITER_BATCH
        assert await statuses(sqlite_url) == {"sent": N}
        assert tg.network.rejected == {"global": 0, "chat": 0}


async def test_sigterm_mid_fan_out_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, sqlite_url: str, library: Library
) -> None:
    async with FakeTelegram(network=Network(latency=0.08, global_limit=30)) as tg:
        users = await seed_due(sqlite_url, library, N, tg)
        env = bot_env(tg, sqlite_url)
        proc = await start_bot(env, tmp_path, tg)
        try:
            await wait_until(lambda: sum(delivered(tg, users).values()) >= N // 3, 60)
        finally:
            log = await _sigterm(proc)
        _clean(log)
        # Stopped: requests in flight finished and were recorded, everything else went back to the queue.
        st = await statuses(sqlite_url)
        assert "sending" not in st
        assert st.get("sent", 0) == sum(delivered(tg, users).values()) < N
        proc = await start_bot(env, tmp_path, tg)
        try:
            await wait_until(lambda: all(delivered(tg, users).values()), 60)
            await asyncio.sleep(0.3)
        finally:
            log = await _sigterm(proc)
        _clean(log)
        assert set(delivered(tg, users).values()) == {1}  # 0 lost, 0 duplicated
        assert await statuses(sqlite_url) == {"sent": N}


async def test_injected_5xx_drops_and_hangs_lose_nothing(tmp_path: Path, sqlite_url: str, library: Library) -> None:
    chaos = Chaos(rate=0.05, hang_seconds=5.0, seed=7)
    async with FakeTelegram(network=Network(latency=0.08, global_limit=30, chaos=chaos)) as tg:
        users = await seed_due(sqlite_url, library, N, tg)
        proc = await start_bot(bot_env(tg, sqlite_url), tmp_path, tg)
        try:
            await wait_until(lambda: all(delivered(tg, users).values()), 90)
            await asyncio.sleep(0.3)
        finally:
            log = await _sigterm(proc)
        assert "database is locked" not in log
        assert sum(chaos.injected.values()) >= 3, chaos.injected
        assert set(delivered(tg, users).values()) == {1}
        assert await statuses(sqlite_url) == {"sent": N}


async def _talk(tg: FakeTelegram, user: int, rounds: int, dropped: list[int]) -> None:
    """A parent typing during the fan-out: a message, the bot's answer, the next message."""
    for _ in range(rounds):
        before = len(tg.sent(user))
        await tg.send_text(user, "/start")
        try:
            await wait_until(lambda b=before: len(tg.sent(user)) > b, 30)
        except AssertionError:
            dropped.append(user)


async def test_replies_during_a_fan_out_at_the_ceiling_survive_429s(
    tmp_path: Path, sqlite_url: str, library: Library
) -> None:
    """Telegram's own 30/s and 1/s per chat, the bot at RATE_PER_SECOND=30 and people talking to it, with 429s
    injected into prompts and replies alike: every reply arrives, every prompt arrives exactly once."""
    network = Network(latency=0.08, global_limit=30, per_chat_limit=1)
    async with FakeTelegram(network=network) as tg:
        users = await seed_due(sqlite_url, library, N, tg)
        talkers = [950_000_000 + i for i in range(4)]
        proc = await start_bot(bot_env(tg, sqlite_url, RATE_PER_SECOND="30"), tmp_path, tg)
        dropped: list[int] = []
        try:
            talking = asyncio.gather(*(_talk(tg, u, 4, dropped) for u in talkers))
            injected = 0
            while not talking.done() or not all(delivered(tg, users).values()):
                if injected < 12:
                    tg.fail_next("sendMessage", status=429, retry_after=1)
                    injected += 1
                await asyncio.sleep(0.4)
                assert proc.returncode is None, "the bot died"
            await talking
            await asyncio.sleep(0.3)
        finally:
            log = await _sigterm(proc)
        _clean(log)
        assert dropped == []
        assert all(len(tg.sent(u)) >= 4 for u in talkers)
        assert set(delivered(tg, users).values()) == {1}  # 0 lost, 0 duplicated
        assert await statuses(sqlite_url) == {"sent": N}
        assert sum(1 for c in tg.calls if c.status == 429) >= injected
