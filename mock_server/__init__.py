"""Mock server for the Aatrox SMS API v2: `openapi.yaml` implemented with real SMS behaviour."""

__version__ = "2.0.0"
