"""Apply Alembic migrations from code, for start-up and tests.

`python -m bot.db.migrate` reads a database URL on stdin and upgrades it to head: the bot migrates through this
child process (bot.preflight.migrate), because Alembic and the migration scripts would stay in the bot's memory
for good (about 10 MiB of RSS) after a job that takes half a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs with escaped passwords contain it.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Synchronous: runs its own event loop, so call it before the bot's loop or in a thread."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


if __name__ == "__main__":
    upgrade(sys.stdin.read().strip())
