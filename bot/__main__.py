"""Entry point: `python -m bot` (or `family-coach-bot`) migrates, then runs long polling.

`python -m bot content check` validates the content library and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import ConfigError, load_settings
from bot.content import ContentInvalid, load_library


def _content_check(content_dir: str | None) -> int:
    from pathlib import Path

    from bot.content_check import run_check, table

    report = run_check(Path(content_dir) if content_dir else None)
    if report.library is not None:
        print(table(report.library))
    if report.errors:
        print(f"\n{len(report.errors)} problem(s):", file=sys.stderr)
        for e in report.errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("content OK")
    return 0


def _run() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        library = load_library(settings.content_dir)
    except ContentInvalid as exc:
        print("error: the content library has problems; the bot did not start.", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e}", file=sys.stderr)
        return 1

    from bot.app import build_app
    from bot.db.migrate import upgrade

    logging.getLogger(__name__).info("applying database migrations")
    upgrade(settings.database_url)

    async def run() -> None:
        app = build_app(settings, library=library)
        await app.run_polling()

    asyncio.run(run())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Family emotion-coaching Telegram bot")
    sub = parser.add_subparsers(dest="cmd")
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="action", required=True)
    check = content_sub.add_parser("check", help="validate content/ and print counts")
    check.add_argument("--dir", default=None, help="content folder (default: the repo's content/)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args(argv)
    if args.cmd == "content":
        return _content_check(args.dir)
    if args.cmd == "migrate":
        try:
            settings = load_settings(require_token=False)
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        from bot.db.migrate import upgrade

        upgrade(settings.database_url)
        return 0
    return _run()


if __name__ == "__main__":
    sys.exit(main())
