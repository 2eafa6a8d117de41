"""Timed work: the working-day calendar, legal deadlines and reminders."""
