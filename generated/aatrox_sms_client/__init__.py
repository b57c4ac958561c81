"""A client library for accessing Aatrox Communications SMS API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
