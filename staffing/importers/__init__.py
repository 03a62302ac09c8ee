"""Files into validated rows, all-or-nothing: the staff sheet."""
