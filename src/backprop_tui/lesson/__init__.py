"""The lesson's words and structure, as data (no widget code here)."""
