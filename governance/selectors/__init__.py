"""Reads (dashboards, roll-ups, as-of queries): a flat number of queries, no writes."""
