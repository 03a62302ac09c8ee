"""Custom admin views of staffing (thin: parse, call a selector or service, render)."""
