"""Thin Textual widgets: reactive state in, a renderable out."""
