"""Sizes of what people type, one number each, the same at every door (staff form, public form,
API, admin, the intake service that all of them call)."""

# "What happened": about ten screens of Chinese text. Longer material is attached as evidence.
DESCRIPTION_MAX_LENGTH = 5000
