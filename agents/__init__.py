"""Policies (where completions come from) and training recipes."""
