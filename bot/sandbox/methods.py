"""The Bot API methods the fake server implements."""

from __future__ import annotations

import copy
import mimetypes
import re
from typing import Any

from bot.sandbox.checks import _Checks
from bot.sandbox.core import _Handler
from bot.sandbox.errors import TelegramError, _bad, utf16_len
from bot.sandbox.models import CallbackAnswer, SentDocument, SentMessage, UploadedFile
from bot.sandbox.rules import (
    _COMMAND_RE,
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    NOT_MODIFIED,
    POLL_CONFLICT,
    QUERY_TOO_OLD,
    WEBHOOK_ACTIVE,
)


class _Methods(_Checks):
    """One coroutine per Bot API method; each returns the ``result`` or raises TelegramError."""

    def _method_table(self) -> dict[str, _Handler]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
        }

    # ---------------------------------------------------------------- API methods

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._poll_count += 1
        if self.webhook_url:
            raise TelegramError(409, WEBHOOK_ACTIVE)
        offset = params.get("offset")
        limit = params.get("limit")
        timeout = params.get("timeout")
        offset = offset if isinstance(offset, int) else 0
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = max(timeout, 0) if isinstance(timeout, int) else 0
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        if not self._pending and timeout > 0 and not self._closing:
            self._poll_generation += 1
            generation = self._poll_generation
            self._polls_waiting += 1
            try:
                await self._notify()  # wakes the superseded poll (if any) and wait_idle
                await self._wait_until(
                    lambda: bool(self._pending) or self._closing or self._poll_generation != generation,
                    timeout,
                )
            finally:
                self._polls_waiting -= 1
            if self._poll_generation != generation and not self._closing:
                raise TelegramError(409, POLL_CONFLICT)
        return copy.deepcopy(self._pending[:limit])

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        if url and not url.lower().startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token") or ""
        if not isinstance(secret, str) or (secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)):
            raise _bad("bad webhook: secret token contains unallowed characters")
        self.webhook_url = url
        self.webhook.secret = secret
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook.kick()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str) or text == "":
            raise _bad("message text is empty")
        chat = self._target_chat(params)
        plain, html, entities, mode = self._format(text, params.get("parse_mode"), params.get("entities"))
        self._check_text(plain)
        markup = self._parse_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self._check_rate(chat)
        sm = SentMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.user.id,
            date=int(self.now()),
            method="sendMessage",
            text=plain,
            html=html,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        return self._store_sent(chat, sm)

    async def _send_document(self, params: dict[str, Any], method: str = "sendDocument") -> dict[str, Any]:
        document = params.get("document")
        if document is None or document == "":
            raise _bad("there is no document in the request")
        chat = self._target_chat(params)
        if isinstance(document, UploadedFile):
            if not document.data:
                raise _bad("file must be non-empty")
            n = next(self._file_ids)
            filename = document.filename or "document"
            mime = (
                document.content_type
                if document.content_type and document.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            doc = SentDocument(filename, document.data, mime, f"BQACAgFake{n:06d}", f"AgADFake{n:06d}")
            self._files[doc.file_id] = doc
        elif isinstance(document, str) and document in self._files:
            doc = self._files[document]
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        caption_raw = params.get("caption")
        caption: str | None = None
        caption_html: str | None = None
        caption_entities: list[dict[str, Any]] = []
        mode: str | None = None
        if isinstance(caption_raw, str) and caption_raw:
            caption, caption_html, caption_entities, mode = self._format(
                caption_raw, params.get("parse_mode"), params.get("caption_entities")
            )
            if utf16_len(caption) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        markup = self._parse_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self._check_rate(chat)
        sm = SentMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.user.id,
            date=int(self.now()),
            method=method,
            parse_mode=mode,
            reply_markup=markup,
            document=doc,
            caption=caption,
            caption_html=caption_html,
            caption_entities=caption_entities,
            reply_to_message_id=reply_to,
        )
        return self._store_sent(chat, sm)

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo upload, kept like a document so tests can read its bytes. Telegram refuses what isn't
        an image (PNG, JPEG, WebP here); the stored message is marked as a sendPhoto."""
        photo = params.get("photo")
        if isinstance(photo, UploadedFile) and not photo.data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"RIFF")):
            raise _bad("IMAGE_PROCESS_FAILED")
        if photo is None or photo == "":
            raise _bad("there is no photo in the request")
        return await self._send_document({**params, "document": photo}, method="sendPhoto")

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str) or text == "":
            raise _bad("message text is empty")
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        sm = self._find_editable(chat, self._message_id(params))
        if sm.text is None:
            raise _bad("there is no text in the message to edit")
        plain, html, entities, mode = self._format(text, params.get("parse_mode"), params.get("entities"))
        self._check_text(plain)
        markup = self._parse_markup(params.get("reply_markup"), inline_only=True)
        if plain == sm.text and entities == sm.entities and markup == sm.inline_markup:
            raise _bad(NOT_MODIFIED)
        previous = sm.snapshot()
        previous.history = []
        sm.text, sm.html, sm.entities, sm.parse_mode, sm.reply_markup = plain, html, entities, mode, markup
        return self._record_edit(chat, sm, previous, "text")

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        sm = self._find_editable(chat, self._message_id(params))
        markup = self._parse_markup(params.get("reply_markup"), inline_only=True)
        if markup == sm.inline_markup:
            raise _bad(NOT_MODIFIED)
        previous = sm.snapshot()
        previous.history = []
        sm.reply_markup = markup
        return self._record_edit(chat, sm, previous, "reply_markup")

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params, check_blocked=False)
        mid = self._message_id(params)
        sm = chat.sent_by_id.get(mid)
        if sm is not None and not sm.deleted:
            sm.deleted = True
            self._log(chat, f"bot  x #{mid} deleted")
            return True
        if mid in chat.user_messages:
            del chat.user_messages[mid]
            self._log(chat, f"bot  x user message #{mid} deleted")
            return True
        raise _bad("message to delete not found")

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        qid = params.get("callback_query_id")
        query = self._queries.pop(qid, None) if isinstance(qid, str) else None
        if query is None:
            raise _bad(QUERY_TOO_OLD)
        text = params.get("text")
        cache_time = params.get("cache_time")
        answer = CallbackAnswer(
            callback_query_id=query.id,
            user_id=query.user_id,
            message_id=query.message_id,
            data=query.data,
            text=text if isinstance(text, str) and text else None,
            show_alert=bool(params.get("show_alert")),
            url=params.get("url") or None,
            cache_time=cache_time if isinstance(cache_time, int) else None,
        )
        self.callback_answers.append(answer)
        chat = self._chats.get(query.user_id)
        if chat is not None:
            shown = f" {'alert' if answer.show_alert else 'toast'}={answer.text!r}" if answer.text else ""
            self._log(chat, f"bot  ✓ answered query {query.id}{shown}")
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.actions.append(str(action))
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise _bad("can't parse BotCommandScope JSON object")
        key = self.scope_key(scope)
        if scope and scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if not isinstance(chat_id, int) or chat_id not in self._chats:
                raise _bad("chat not found")
        language = params.get("language_code") or ""
        if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
            raise _bad("invalid language code specified")
        return key, language

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        stored: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command = str(item.get("command", "")).lower()
            description = item.get("description")
            if not _COMMAND_RE.match(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip() or len(description) > 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append({"command": command, "description": description})
        key = self._commands_key(params)
        if stored:
            self._commands[key] = stored
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True
