"""Prometheus metrics of the delivery engine, in prometheus_client's default registry.

The operations side serves that registry at /metrics; these names are part of that contract.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "bot_deliveries_total",
    "Outgoing messages by kind (prompt, nudge, notice) and outcome (sent, retry, failed, blocked, released).",
    ["kind", "status"],
)
SEND_LATENCY = Histogram(
    "bot_send_latency_seconds",
    "Bot API round trip of one send, from the request leaving to its answer (limiter wait excluded).",
    ["lane"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
LIMITER_WAIT = Histogram(
    "bot_limiter_wait_seconds",
    "Time a Bot API call waited for the rate limiter, by lane (reply or broadcast).",
    ["lane"],
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 30.0),
)
QUEUE_DEPTH = Gauge(
    "bot_queue_depth",
    "Rows waiting to be sent (due now or later), by kind; refreshed by the send loop.",
    ["kind"],
)
IN_FLIGHT = Gauge("bot_sends_in_flight", "Bot API sends currently in flight from this instance.")
RETRY_AFTER = Counter(
    "bot_telegram_429_total",
    "429 Too Many Requests answers from Telegram, by the scope we applied (chat or global).",
    ["scope"],
)
LOOP_DURATION = Histogram(
    "bot_loop_duration_seconds",
    "Duration of one pass of an engine loop (dispatch, send, nudge, digest, lease, writer).",
    ["loop"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0),
)
