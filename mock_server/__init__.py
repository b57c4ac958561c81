"""Mock server for the Aatrox SMS API v2: `openapi.yaml` implemented with real SMS behaviour."""

from importlib.metadata import PackageNotFoundError, version

# The toolkit's own version, stated once, in pyproject.toml. The API's version is another
# thing: the contract's `info.version` (`mock_server.app.api_version`).
try:
    __version__ = version("aatrox-sms-toolkit")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

# The mock in a thread of your process, for scripts and any test framework (after __version__,
# which the modules it imports read).
from mock_server.server import AatroxMockError, MockServer

__all__ = ["AatroxMockError", "MockServer", "__version__"]
