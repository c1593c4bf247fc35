"""The five Danish regions. Codes are used by package files (regional offers and help
contacts) and by the registry; names and quality units live in the registry."""

REGION_CODES: tuple[str, ...] = (
    "hovedstaden",
    "sjaelland",
    "syddanmark",
    "midtjylland",
    "nordjylland",
)
