"""What the reports app does, by concern (exports, ...)."""
