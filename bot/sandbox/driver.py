"""How a test (or the sandbox page) acts as Telegram's users: send text, press buttons, wait for replies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, Literal

from bot.sandbox.core import Predicate, _Core
from bot.sandbox.errors import utf16_len
from bot.sandbox.models import ApiCall, FakeUser, SentDocument, SentMessage, _CallbackQuery, _Chat, _Fault, _short


class _Driver(_Core):
    """The driver API: users, updates, faults, and waiting for the bot."""

    # ---------------------------------------------------------------- test driver: users & updates

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """Register a user (and their private chat).  Re-adding updates the profile."""
        user = self._users.get(user_id)
        if user is None:
            user = FakeUser(user_id, first_name, username, language_code, last_name)
            self._users[user_id] = user
            self._chats[user_id] = _Chat(user=user, instance=str(8_000_000_000_000 + user_id * 7919))
        else:
            user.first_name, user.username = first_name, username
            user.language_code, user.last_name = language_code, last_name
        return user

    def user(self, user_id: int) -> FakeUser:
        if user_id not in self._users:
            raise AssertionError(f"unknown fake user {user_id}; call tg.add_user() first")
        return self._users[user_id]

    def block(self, user_id: int) -> None:
        """The user blocks the bot (no update is sent; see ``chat_member_update``)."""
        self.user(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self.user(user_id).blocked = False

    async def send_text(self, user_id: int, text: str) -> int:
        """Enqueue a ``message`` update from the user in their private chat; returns message_id.

        Unknown users are added with default profile fields.
        """
        if user_id not in self._users:
            self.add_user(user_id)
        chat = self._chats[user_id]
        user = chat.user
        mid = chat.take_message_id()
        message: dict[str, Any] = {
            "message_id": mid,
            "from": user.to_api(),
            "chat": user.chat_api(),
            "date": int(self.now()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        chat.user_messages[mid] = message
        self._log(chat, f"user > #{mid} {_short(text)}")
        await self._enqueue({"message": message})
        return mid

    async def press(self, user_id: int, message_id: int, data: str) -> str:
        """Enqueue a ``callback_query`` with ``data`` (any string) on bot message ``message_id``.

        Returns the callback query id.
        """
        chat = self._chat_for_driver(user_id)
        sm = chat.sent_by_id.get(message_id)
        if sm is None or sm.deleted:
            raise AssertionError(
                f"chat {user_id} has no (undeleted) bot message #{message_id} to press\n{self.transcript(user_id)}"
            )
        qid = str(next(self._query_ids))
        self._queries[qid] = _CallbackQuery(qid, user_id, message_id, data)
        query = {
            "id": qid,
            "from": chat.user.to_api(),
            "message": self._message_api(chat, sm),
            "chat_instance": chat.instance,
            "data": data,
        }
        self._log(chat, f"user * pressed #{message_id} data={data!r} (query {qid})")
        await self._enqueue({"callback_query": query})
        return qid

    async def press_button(self, user_id: int, text_substring: str) -> str:
        """Press the inline callback button whose text contains ``text_substring`` on the most
        recent bot message in the chat that has one.  Returns the callback query id."""
        chat = self._chat_for_driver(user_id)
        available: list[str] = []
        for sm in reversed(chat.sent):
            if sm.deleted or sm.inline_markup is None:
                continue
            for row in sm.inline_markup["inline_keyboard"]:
                for b in row:
                    label = str(b.get("text", ""))
                    data = b.get("callback_data")
                    if text_substring in label and isinstance(data, str):
                        return await self.press(user_id, sm.message_id, data)
                    available.append(f"#{sm.message_id} {label!r} → {data or b.get('url')!r}")
        listing = "\n  ".join(available) or "(no inline buttons at all)"
        raise AssertionError(
            f"no callback button containing {text_substring!r} in chat {user_id}. Available:\n  {listing}\n"
            f"{self.transcript(user_id)}"
        )

    async def chat_member_update(self, user_id: int, status: Literal["kicked", "member"]) -> None:
        """Enqueue a ``my_chat_member`` update (user blocked / unblocked the bot) and set the
        user's blocked flag accordingly."""
        if status not in ("kicked", "member"):
            raise ValueError("status must be 'kicked' or 'member'")
        chat = self._chat_for_driver(user_id)
        old = self._member_api(chat.member_status)
        chat.member_status = status
        chat.user.blocked = status == "kicked"
        update = {
            "chat": chat.user.chat_api(),
            "from": chat.user.to_api(),
            "date": int(self.now()),
            "old_chat_member": old,
            "new_chat_member": self._member_api(status),
        }
        self._log(chat, f"user ! {'blocked' if status == 'kicked' else 'unblocked'} the bot (my_chat_member)")
        await self._enqueue({"my_chat_member": update})

    # ---------------------------------------------------------------- test driver: faults

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        count: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (case-insensitive, ``"*"`` = any method except
        getUpdates) fail with ``status``; ``chat_id`` restricts it to calls for that chat.

        429 answers "Too Many Requests: retry after N" with ``parameters.retry_after`` (N defaults to 1);
        other statuses default to the HTTP phrase ("Internal Server Error", "Bad Gateway", ...).
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                try:
                    description = HTTPStatus(status).phrase
                except ValueError:
                    description = f"Error {status}"
        self._faults.append(_Fault(method.lower(), status, description, retry_after, count, chat_id))

    def clear_faults(self) -> None:
        self._faults.clear()

    def route_webhook(self, *base_urls: str) -> None:
        """Where webhook updates really go (``http://127.0.0.1:<port>``), round-robin, as a balancer would."""
        self.webhook.route(*base_urls)

    # ---------------------------------------------------------------- test driver: inspection

    def sent(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to the chat, oldest first (deleted ones included, flagged)."""
        chat = self._chats.get(chat_id)
        return list(chat.sent) if chat else []

    def last(self, chat_id: int) -> SentMessage:
        """The most recent undeleted bot message in the chat (AssertionError if none)."""
        for sm in reversed(self.sent(chat_id)):
            if not sm.deleted:
                return sm
        raise AssertionError(f"the bot sent nothing to chat {chat_id}\n{self.transcript(chat_id)}")

    def history(self, chat_id: int) -> tuple[dict[int, dict[str, Any]], list[SentMessage]]:
        """What a chat shows now: the user's messages by id, and the bot's messages not deleted."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return {}, []
        return dict(chat.user_messages), [sm for sm in chat.sent if not sm.deleted]

    def file(self, file_id: str) -> SentDocument | None:
        return self._files.get(file_id)

    def chat_actions(self, chat_id: int) -> list[str]:
        chat = self._chats.get(chat_id)
        return list(chat.actions) if chat else []

    def commands(self, scope_key: str = "default", language_code: str = "") -> list[dict[str, str]]:
        """Commands set via setMyCommands for a scope key (see ``scope_key``) and language."""
        return [dict(c) for c in self._commands.get((scope_key, language_code), [])]

    @property
    def all_commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        return {k: [dict(c) for c in v] for k, v in self._commands.items()}

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of ``method`` (case-insensitive), failed ones included."""
        key = method.lower()
        return [c.params for c in self.calls if c.method.lower() == key]

    @property
    def errors(self) -> list[ApiCall]:
        """Calls that got an error answer (injected faults included)."""
        return [c for c in self.calls if not c.ok]

    def assert_no_errors(self) -> None:
        if self.errors:
            lines = "\n  ".join(f"{c.method} → {c.status} {c.description}  {c.params}" for c in self.errors)
            raise AssertionError(f"the bot got API errors:\n  {lines}")

    @property
    def pending_updates(self) -> int:
        """Updates enqueued but not yet confirmed by a getUpdates offset."""
        return len(self._pending)

    @property
    def poll_count(self) -> int:
        """Number of getUpdates requests served so far."""
        return self._poll_count

    def transcript(self, chat_id: int, *, last: int | None = 60) -> str:
        """Human-readable dump of what happened in the chat (for assertion messages)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return f"--- chat {chat_id}: unknown ---"
        lines = chat.log if last is None else chat.log[-last:]
        skipped = len(chat.log) - len(lines)
        head = f"--- chat {chat_id} ({chat.user.first_name}) transcript"
        head += f", {skipped} earlier lines omitted ---" if skipped else " ---"
        return "\n".join([head, *lines, "--- end ---"])

    # ---------------------------------------------------------------- test driver: waiting

    async def wait_for(
        self,
        chat_id: int,
        predicate: Predicate | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        include_edits: bool = True,
    ) -> list[SentMessage]:
        """Wait until the bot has sent (or edited) ``count`` messages in the chat matching
        ``predicate`` *after this call started*; returns snapshots of them (edits have ``edited``).

        Raises AssertionError with the chat transcript on timeout.
        """
        events = self._chat_events(chat_id)
        start = len(events)
        matched: list[SentMessage] = []

        def ready() -> bool:
            matched.clear()
            for ev in self._chat_events(chat_id)[start:]:
                if not include_edits and ev.edited:
                    continue
                if predicate is None or predicate(ev):
                    matched.append(ev)
            return len(matched) >= count

        if not await self._wait_until(ready, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} matching bot message(s) in chat {chat_id} "
                f"(got {len(matched)})\n{self.transcript(chat_id)}"
            )
        return matched[:count]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until ``count`` calls of ``method`` matching ``predicate(params)`` completed after
        this call started (successful or not)."""
        key = method.lower()
        start = len(self.calls)
        matched: list[ApiCall] = []

        def ready() -> bool:
            matched.clear()
            for call in self.calls[start:]:
                if call.method.lower() == key and (predicate is None or predicate(call.params)):
                    matched.append(call)
            return len(matched) >= count

        if not await self._wait_until(ready, timeout):
            recent = "\n  ".join(f"{c.method} {c.status} {c.params}" for c in self.calls[-15:])
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} {method} call(s) (got {len(matched)}). "
                f"Recent calls:\n  {recent}"
            )
        return matched[:count]

    async def wait_idle(self, timeout: float = 5.0, *, settle: float = 0.05) -> None:  # noqa: ASYNC109
        """Wait until the bot has caught up: every enqueued update was fetched and confirmed, a
        getUpdates long poll is waiting, no other request is in flight — and that stayed so for
        ``settle`` seconds (handlers run as tasks, so one may still be between API calls)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0 or not await self._wait_until(self._is_idle, remaining):
                raise AssertionError(
                    f"bot not idle after {timeout}s: pending updates={len(self._pending)}, "
                    f"waiting polls={self._polls_waiting}, requests in flight={self._inflight} "
                    "(is the dispatcher polling?)"
                )
            mark = self._activity
            await asyncio.sleep(settle)
            if self._is_idle() and self._activity == mark:
                return
