"""The mock server's benchmark: `python -m bench` (`make bench`).

Side by side on one machine: the mock (memory store and `--db`), Prism's mock of the same spec,
and a bare Starlette app doing the same JSON work (the floor for a Python ASGI server); then the
mock at 1k, 100k and 1M stored messages; then the inbox page in headless Chromium on each store
at 20,000 conversations. Load comes from wrk, a separate process, over loopback.
"""
