"""The framework's ceiling: bare Django views doing the respondent flow's requests."""
