"""Training data for the shipped CSAT model (synthetic, written by this project)."""
