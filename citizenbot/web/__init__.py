"""The resident-facing web side: chat widget assets, demo city page and the real-time gateway."""
