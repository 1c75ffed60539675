"""The delivery engine: rate limiter, Bot API session middleware, sender and its loops."""
