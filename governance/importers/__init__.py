"""Files into validated rows into services, all-or-nothing."""
