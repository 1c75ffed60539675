"""The sandbox's clock: real time plus an offset that the page moves forward ("+1 hour", "next prompt")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    """Runs with the wall clock, and jumps forward on request; it never goes back, as real time doesn't."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        self._offset += delta
        return self.now()

    def jump_to(self, when: datetime) -> datetime:
        """Move to ``when`` if it is ahead; a time already passed leaves the clock where it is."""
        ahead = when - self.now()
        if ahead > timedelta(0):
            self._offset += ahead
        return self.now()
