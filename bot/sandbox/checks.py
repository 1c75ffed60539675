"""Reading Bot API requests and checking them the way Telegram does (HTML, limits, keyboards)."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.sandbox.core import _Core
from bot.sandbox.errors import TelegramError, _bad, utf16_len
from bot.sandbox.html import HtmlParseError, _url_error, parse_html
from bot.sandbox.models import ApiCall, SentMessage, UploadedFile, _Chat, _render_message
from bot.sandbox.rules import (
    _BOOL_FIELDS,
    _INLINE_ACTIONS,
    _INT_FIELDS,
    _JSON_FIELDS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_TEXT_LENGTH,
    logger,
)


class _Checks(_Core):
    """HTTP handling and Telegram's validation rules."""

    # ---------------------------------------------------------------- internals: HTTP

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return TelegramError(404, "Not Found").response()

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise _bad("can't parse JSON encoded request") from exc
            if not isinstance(body, dict):
                raise _bad("can't parse JSON encoded request")
            raw.update(body)
        elif request.method == "POST" and request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    raw[key] = UploadedFile(value.filename, value.file.read(), value.content_type)
                else:
                    raw[key] = value
        params: dict[str, Any] = {}
        attached: set[str] = set()
        for key, value in raw.items():
            if isinstance(value, str) and value.startswith("attach://"):
                name = value[len("attach://") :]
                part = raw.get(name)
                if isinstance(part, UploadedFile):
                    params[key] = part
                    attached.add(name)
                    continue
            params[key] = self._coerce(key, value)
        for name in attached:  # file parts only referenced through attach://
            params.pop(name, None)
        return params

    @staticmethod
    def _coerce(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if key in _JSON_FIELDS:
            try:
                return json.loads(value)
            except ValueError as exc:
                if key == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {key} JSON object") from exc
        if key in _INT_FIELDS or key == "chat_id":
            try:
                return int(value)
            except ValueError:
                return value
        if key in _BOOL_FIELDS:
            return value.strip().lower() in ("true", "1")
        return value

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return TelegramError(401, "Unauthorized").response()
        method = request.match_info["method"]
        key = method.lower()
        is_poll = key == "getupdates"
        try:
            params = await self._read_params(request)
        except TelegramError as exc:
            return exc.response()
        if not is_poll:
            self._inflight += 1
            self._activity += 1
        call = ApiCall(method, params)
        try:
            try:
                fault = None if is_poll else await self.network.before(key)
                if fault == "drop":
                    call.status, call.description = 0, "connection dropped (injected)"
                    if request.transport is not None:
                        request.transport.close()
                    return web.Response(status=502)
                if fault is not None:
                    raise TelegramError(502, "Bad Gateway")
                self._apply_faults(key, params)
                if not is_poll and (wait := self.network.check_flood(key, params.get("chat_id"))) is not None:
                    raise TelegramError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
                handler = self._handlers.get(key)
                if handler is None:
                    raise TelegramError(404, "Not Found: method not found")
                result = await handler(params)
            except TelegramError as exc:
                call.status, call.description = exc.status, exc.description
                self._log_failure(method, params, exc)
                if is_poll:  # failed polls are rare and interesting: record them
                    self.calls.append(call)
                    await self._notify()
                else:
                    await self.network.after()
                return exc.response()
            if not is_poll:
                await self.network.after()
            return web.json_response({"ok": True, "result": result})
        finally:
            if not is_poll:
                self._inflight -= 1
                self._activity += 1
                self.calls.append(call)
                await self._notify()

    def _apply_faults(self, key: str, params: dict[str, Any]) -> None:
        for fault in self._faults:
            if fault.method not in (key, "*") or (fault.method == "*" and key == "getupdates"):
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise TelegramError(fault.status, fault.description, retry_after=fault.retry_after)

    def _log_failure(self, method: str, params: dict[str, Any], exc: TelegramError) -> None:
        chat_id = params.get("chat_id")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None and method.lower() == "answercallbackquery":
            query_user = next(
                (c.user_id for c in self._queries.values() if c.id == params.get("callback_query_id")), None
            )
            chat = self._chats.get(query_user) if query_user is not None else None
        if chat is not None:
            self._log(chat, f"bot  ! {method} failed: {exc.status} {exc.description}")
        logger.info("fake telegram: %s -> %s %s", method, exc.status, exc.description)

    # ---------------------------------------------------------------- internals: validation

    def _target_chat(self, params: dict[str, Any], *, check_blocked: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get(raw) if isinstance(raw, int) else None
        if chat is None:
            raise _bad("chat not found")
        if check_blocked and chat.user.blocked:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _message_id(params: dict[str, Any]) -> int:
        value = params.get("message_id")
        if not isinstance(value, int):
            raise _bad("message identifier is not specified")
        return value

    def _format(
        self, text: str, parse_mode: Any, entities: Any
    ) -> tuple[str, str | None, list[dict[str, Any]], str | None]:
        """-> (plain text, raw html or None, entities, parse_mode)."""
        mode = parse_mode if isinstance(parse_mode, str) and parse_mode.strip() else None
        if mode is None:
            if entities is not None and not isinstance(entities, list):
                raise _bad("can't parse entities JSON object")
            return text, None, list(entities or []), None
        lowered = mode.strip().lower()
        if lowered == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
            return parsed.text, text, parsed.entities, mode
        if lowered in ("markdown", "markdownv2"):
            return text, None, [], mode
        raise _bad("unsupported parse_mode")

    def _check_text(self, plain: str) -> None:
        if plain == "":
            raise _bad("message text is empty")
        if not plain.strip():
            raise _bad("text must be non-empty")
        if utf16_len(plain) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")

    def _parse_markup(self, value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _bad("object expected as reply markup")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" must be of type Array')
            total = 0
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
                    total += 1
            if total > 100:
                raise _bad("BUTTONS_TOO_MUCH")
            return copy.deepcopy(value)
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" must be of type Array')
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        continue
                    if not isinstance(button, dict) or "text" not in button:
                        raise _bad("can't parse keyboard button: Can't find field \"text\"")
                    if not isinstance(button["text"], str):
                        raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
        elif "remove_keyboard" in value:
            if not isinstance(value["remove_keyboard"], bool):
                raise _bad('field "remove_keyboard" must be of type Boolean')
        elif "force_reply" in value:
            if not isinstance(value["force_reply"], bool):
                raise _bad('field "force_reply" must be of type Boolean')
        else:
            raise _bad("can't parse reply keyboard markup JSON object")
        return copy.deepcopy(value)

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        prefix = "can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise _bad(prefix + "Object expected")
        if "text" not in button:
            raise _bad(prefix + 'Can\'t find field "text"')
        if not isinstance(button["text"], str):
            raise _bad(prefix + 'Field "text" must be of type String')
        actions = [k for k in _INLINE_ACTIONS if button.get(k) not in (None, "", False)]
        if not actions:
            raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data not in (None, ""):
            if not isinstance(data, str):
                raise _bad(prefix + 'Field "callback_data" must be of type String')
            if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url not in (None, ""):
            if not isinstance(url, str):
                raise _bad(prefix + 'Field "url" must be of type String')
            reason = _url_error(url)
            if reason is not None:
                raise _bad(f"inline keyboard button URL '{url}' is invalid: {reason}")

    def _check_rate(self, chat: _Chat) -> None:
        limit = self.per_chat_limit
        if limit is None:
            return
        now = time.monotonic()
        while chat.send_times and chat.send_times[0] <= now - 1.0:
            chat.send_times.popleft()
        if len(chat.send_times) >= limit:
            raise TelegramError(429, "Too Many Requests: retry after 1", retry_after=1)
        chat.send_times.append(now)

    def _reply_to(self, chat: _Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if reply is None and isinstance(params.get("reply_to_message_id"), str):
            reply = {"message_id": int(params["reply_to_message_id"])}
        if not reply:
            return None
        if not isinstance(reply, dict) or "message_id" not in reply:
            raise _bad('can\'t find field "message_id"')
        mid = reply["message_id"]
        exists = mid in chat.user_messages or (mid in chat.sent_by_id and not chat.sent_by_id[mid].deleted)
        if not exists:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return int(mid)

    def _store_sent(self, chat: _Chat, sm: SentMessage) -> dict[str, Any]:
        chat.sent.append(sm)
        chat.sent_by_id[sm.message_id] = sm
        chat.events.append(sm.snapshot())
        self._log(chat, f"bot  < #{sm.message_id} {_render_message(sm)}")
        return self._message_api(chat, sm)

    def _find_editable(self, chat: _Chat, mid: int) -> SentMessage:
        sm = chat.sent_by_id.get(mid)
        if sm is None or sm.deleted:
            if mid in chat.user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return sm

    def _record_edit(self, chat: _Chat, sm: SentMessage, previous: SentMessage, what: str) -> dict[str, Any]:
        sm.history.append(previous)
        sm.edit_date = int(self.now())
        chat.events.append(sm.snapshot())
        self._log(chat, f"bot  ~ #{sm.message_id} edited {what}: {_render_message(sm)}")
        return self._message_api(chat, sm)
