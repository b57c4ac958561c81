"""Serve a drifting double by hand, to watch `make verify` name its drift:

.venv/bin/python -m tests.verify.serve_double unknown_enum_value --port 8091
make verify BASE_URL=http://127.0.0.1:8091 TOKEN=dev-token FROM=+61491570156 TO=+61491570157
"""

from __future__ import annotations

import argparse
import warnings

import uvicorn

from tests.verify import doubles

DRIFTS = ("renamed_field", "undocumented_status", "wrong_media_type", "unknown_enum_value")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.verify.serve_double")
    parser.add_argument("drift", choices=DRIFTS)
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from mock_server.app import create_app
        from mock_server.sms.config import default_config

    app = doubles.Drifting(create_app(default_config()), getattr(doubles, args.drift))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
