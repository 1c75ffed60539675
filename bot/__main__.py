"""Entry point: `python -m bot` (or `family-coach-bot`) checks its surroundings, migrates, then runs.

It runs long polling, or a webhook server when WEBHOOK_URL is set; with no BOT_TOKEN (or SANDBOX=1) it runs the
local sandbox instead (bot/sandbox): the same bot against an embedded Bot API server, with a chat page.
A start-up fault prints one line saying what to do and exits non-zero. `python -m bot content check` validates
the content library and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import logging
import sys
import traceback
import urllib.request
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings, token_problem
from bot.content import ContentInvalid, Library, load_library
from bot.i18n.catalog import CatalogError


def _content_check(content_dir: str | None) -> int:
    from pathlib import Path

    from bot.content_check import run_check, table

    report = run_check(Path(content_dir) if content_dir else None)
    if report.library is not None:
        print(table(report.library, report.others))
    if report.coverage:
        print(f"\n{report.coverage}")
    if report.errors:
        print(f"\n{len(report.errors)} problem(s):", file=sys.stderr)
        for e in report.errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("content OK")
    return 0


def _fail(message: str, *, debug: bool) -> None:
    """One line that says what to do; the traceback only when LOG_LEVEL=DEBUG asked for it."""
    if debug:
        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)


def _content_problem(exc: ContentInvalid) -> None:
    """The first problem on one line; `content check` lists them all (later ones often follow from the first)."""
    more = len(exc.errors) - 1
    rest = f" ({more} more: run python -m bot content check)" if more else ""
    print(f"error: {exc.errors[0]}{rest}. Fix the content, then start the bot again.", file=sys.stderr)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def settle_heap() -> None:
    """Move everything loaded at start (content, modules, the app) out of the garbage collector's sight.

    A full collection walks every tracked object: with the ~400k the bot holds after start it stopped the event
    loop for half a second on a loaded machine, twice a minute in a fan-out (sends bunched behind the stall,
    replies waited). Nothing made at start is garbage, so it need not be walked again.
    """
    gc.collect()
    gc.freeze()
    # Loading content (the screen's models above all) frees large buffers that glibc keeps for reuse; hand them
    # back to the system so idle RSS is what the bot holds (about 8 MiB less). Other C libraries: nothing to do.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def _serve(settings: Settings, library: Library) -> None:
    """Check what the bot depends on, in the order an operator would fix it, then migrate and run."""
    from bot.preflight import bind_socket, check_database, check_redis, migrate, wait_for_telegram

    await check_database(settings.database_url)
    if settings.redis_url:
        await check_redis(settings.redis_url)
    if settings.webhook_url:
        sock = bind_socket(settings.webhook_host, settings.webhook_port, "WEBHOOK_PORT")
    else:
        sock = bind_socket(settings.health_host, settings.health_port, "HEALTH_PORT")
    try:
        from bot.app import build_app  # after the quick checks: importing aiogram takes a moment

        app = build_app(settings, library=library)
        try:
            await wait_for_telegram(app.bot, settings.telegram_api_url, settings.startup_timeout)
            logging.getLogger(__name__).info("applying database migrations")
            await migrate(settings.database_url)
        except BaseException:
            await app.bot.session.close()
            await app.engine.dispose()
            raise
        settle_heap()
        if settings.webhook_url:
            await app.run_webhook(sock=sock)
        else:
            await app.run_polling(sock=sock)
    finally:
        sock.close()


def _run() -> int:
    try:
        settings = load_settings(require_token=False)
        sandbox = settings.sandbox or not settings.bot_token  # no token: try it locally (bot/sandbox)
        if not sandbox and (problem := token_problem(settings.bot_token)):
            raise ConfigError(problem)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    debug = settings.log_level == "DEBUG"
    try:
        library = load_library(settings.content_dir)
    except ContentInvalid as exc:
        _content_problem(exc)
        return 1
    from bot.domain.screen.lexicon import prepare, safety_languages

    # The screen's word lists as cached tries, built in a child process before serving (once per simplemma
    # version; the Docker image ships them). Without them the screen still works, only more slowly.
    prepare(safety_languages(settings.content_dir))

    from bot.preflight import StartupError

    try:
        if sandbox:
            from bot.sandbox.run import run_sandbox

            asyncio.run(run_sandbox(settings, library))
        else:
            asyncio.run(_serve(settings, library))
    except KeyboardInterrupt:  # Ctrl-C before the bot took over signal handling
        return 130
    except StartupError as exc:
        _fail(str(exc), debug=debug)
        return 1
    except ContentInvalid as exc:  # another locale's content, checked as the app is built
        _content_problem(exc)
        return 1
    except CatalogError as exc:
        print(f"error: {exc}. Fix the content, then start the bot again.", file=sys.stderr)
        return 1
    except Exception as exc:
        _fail(f"unexpected {_one_line(exc)}. Run with LOG_LEVEL=DEBUG to see where.", debug=debug)
        return 1
    return 0


def _migrate() -> int:
    try:
        settings = load_settings(require_token=False)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from bot.preflight import StartupError, check_database, migrate

    async def run() -> None:
        await check_database(settings.database_url)
        await migrate(settings.database_url)

    try:
        asyncio.run(run())
    except StartupError as exc:
        _fail(str(exc), debug=settings.log_level == "DEBUG")
        return 1
    return 0


def _healthcheck() -> int:
    """For Docker's HEALTHCHECK: asks this container's own /healthz."""
    try:
        settings = load_settings(require_token=False)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    port = settings.webhook_port if settings.webhook_url else settings.health_port
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as resp:
            return 0 if resp.status == 200 else 1
    except OSError as exc:
        print(f"error: no answer on port {port}: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Family emotion-coaching Telegram bot")
    sub = parser.add_subparsers(dest="cmd")
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="action", required=True)
    check = content_sub.add_parser("check", help="validate content/ and print counts")
    check.add_argument("--dir", default=None, help="content folder (default: the repo's content/)")
    train = content_sub.add_parser("train-screen", help="train the screen's learned tier (needs the dev extra)")
    train.add_argument("--locale", action="append", help="locale (default: every locale with a corpus)")
    train.add_argument("--evaluate", action="store_true", help="also print leave-one-set-out figures")
    train.add_argument("--only", action="append", default=[], help="with --evaluate: leave out only this set")
    train.add_argument(
        "--quick", action="store_true", help="with --evaluate: thresholds from one fit per set, not per pair"
    )
    train.add_argument("--dir", default=None, help="content folder (default: the repo's content/)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("healthcheck", help="exit 0 if this machine's bot answers /healthz (for Docker)")
    args = parser.parse_args(argv)
    if args.cmd == "content" and args.action == "train-screen":
        from bot.screen_train import main as train_screen

        return train_screen(args.locale, args.dir, evaluate=args.evaluate, only=args.only, quick=args.quick)
    if args.cmd == "content":
        return _content_check(args.dir)
    if args.cmd == "migrate":
        return _migrate()
    if args.cmd == "healthcheck":
        return _healthcheck()
    return _run()


if __name__ == "__main__":
    sys.exit(main())
