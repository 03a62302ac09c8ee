"""Admin viewsets (declared listings, forms, inspect pages)."""
