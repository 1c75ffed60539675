"""The local sandbox: an embedded Telegram Bot API server and a chat page to talk to the real bot.

The end-to-end tests drive the same server (``bot.sandbox.api.FakeTelegram``), so what the sandbox shows is
what the tests check, Telegram's rules included.
"""
