"""Pure-Python core: package format, scoring and disclosure control. No Django imports."""
