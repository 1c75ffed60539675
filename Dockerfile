FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/bot.sqlite3

RUN useradd --create-home --uid 10001 coach \
 && mkdir /data && chown coach:coach /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
COPY content ./content
COPY migrations ./migrations

USER coach
# The screen's word lists as tries in ~/.cache (outside the /data volume), so the bot never builds them at start.
RUN python -m bot.domain.screen.lexicon_cli
VOLUME ["/data"]
# 8081: /healthz, /readyz and /metrics in polling mode. 8080: the webhook (and the same endpoints) in webhook mode.
EXPOSE 8081 8080
# Asks this container's own /healthz, on whichever port the mode uses.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "healthcheck"]
# `python -m bot` checks the database (and Redis, and Telegram), applies pending migrations, then runs the bot.
# `docker stop` sends SIGTERM: it stops taking updates, finishes the work in flight and exits.
CMD ["python", "-m", "bot"]
