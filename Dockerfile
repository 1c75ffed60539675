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
VOLUME ["/data"]
# `python -m bot` applies pending migrations, then runs the bot.
CMD ["python", "-m", "bot"]
