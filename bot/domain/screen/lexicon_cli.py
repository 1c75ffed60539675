"""``python -m bot.domain.screen.lexicon_cli [LANG ...]``: builds the screen's cached word lists (see
:mod:`bot.domain.screen.lexicon`). The bot runs it as a child process; the Docker image runs it at build time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.domain.screen.lexicon import build, cache_dir, safety_languages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the screen's cached word lists (simplemma -> tries).")
    parser.add_argument("languages", nargs="*", help="simplemma language codes (default: the content's)")
    parser.add_argument("--dir", type=Path, default=None, help="cache folder (default: under XDG_CACHE_HOME)")
    parser.add_argument("--content", type=Path, default=None, help="content folder, for the default languages")
    args = parser.parse_args(argv)
    directory = args.dir or cache_dir()
    for lang in args.languages or safety_languages(args.content):
        build(lang, directory)
        print(f"{lang}: built in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
