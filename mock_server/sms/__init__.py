"""The mock's SMS rules: numbers, segments, clock, lifecycle, accounts, config, limits, paging,
store, and the use cases of the public API (`service`) and of the control API (`control`).

Plain Python that knows nothing of HTTP, so every rule can be tested without a server and the
HTTP layer stays a thin translation. Nothing in this package may import connexion or starlette,
nor read the OpenAPI spec: the contract's sizes are handed in as a `Limits`.
"""
