"""Writes: one function per thing a user does, atomic, with one history entry."""
