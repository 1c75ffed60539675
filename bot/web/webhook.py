"""Telegram's webhook: aiogram's SimpleRequestHandler behind the secret-token check.

An update is acknowledged after its handler ran, so an instance that dies mid-update gets it redelivered by
Telegram (to any instance behind the balancer). A handler that fails is logged and acknowledged, as in polling,
so one bad update is not redelivered forever.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class WebhookHandler(SimpleRequestHandler):
    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str) -> None:
        if not secret_token:
            raise ValueError("webhook mode needs a secret token")
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret_token)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            update = Update.model_validate(await request.json(loads=bot.session.json_loads), context={"bot": bot})
        except ValueError:  # not JSON, or not an Update: nothing Telegram would send
            return web.Response(status=400, text="Bad Request")
        try:
            result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        except Exception:
            log.exception("update %s failed in its handler; acknowledged so it is not resent", update.update_id)
            return web.json_response({})
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def close(self) -> None:
        """The App owns the bot session and closes it after the last send; do not close it here."""
        return None

    def attach(self, app: web.Application, url: str) -> None:
        app.router.add_post(webhook_path(url), self.handle)
