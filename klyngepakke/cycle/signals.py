"""What the cycle tells the layers above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# A meeting's plan was saved (`services.plan_meeting`), inside its transaction; keyword
# argument `order`. Materials drops the order's built meeting files (they show the plan).
meeting_planned = Signal()

# An order was placed (`services.new_order`), inside its transaction; keyword argument
# `order`. Notifications tells the consultants.
order_placed = Signal()

# A coordinator asked for a planning call ("Ring mig op", `ordering.place_order`), inside
# the order's transaction; keyword argument `call` (a CallRequest). Notifications tells
# the consultants.
call_requested = Signal()
