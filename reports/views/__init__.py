"""The reports pages, by concern (exports, ...)."""
