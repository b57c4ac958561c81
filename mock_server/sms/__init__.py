"""The mock's SMS rules: numbers, segments, clock, lifecycle, accounts, config, paging, store.

Plain Python that knows nothing of HTTP, so every rule can be tested without a server and the
HTTP layer stays a thin translation. Nothing in this package may import connexion or starlette.
"""
