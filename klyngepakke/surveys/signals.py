"""What surveys tells the layers above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# A round opened (`services.open_round`), inside its transaction; keyword argument
# `round_`. Notifications tells the coordinators when it closes.
survey_opened = Signal()

# A round closed (`services._close`), inside its transaction; keyword arguments `round_`,
# `answered` and `k`. Notifications tells coordinators and consultants when under k.
round_closed = Signal()
