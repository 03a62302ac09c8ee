"""Writes: one function per thing a user does, atomic, with one history entry."""

from .progress import record_actual, refresh_computed, refresh_progress

__all__ = ["record_actual", "refresh_computed", "refresh_progress"]
