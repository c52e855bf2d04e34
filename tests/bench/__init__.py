"""The speed benchmark: ``make bench`` or ``python -m tests.bench.run`` from the repository root.

Not part of the test suite (pytest ignores this folder); see ``README.md`` here.
"""
