"""Reads of staffing: compliance and structure, a flat number of queries."""
