"""Readers and writers for other quiz formats."""
