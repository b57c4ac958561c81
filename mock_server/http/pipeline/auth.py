"""Bearer-token auth, bound to one app's accounts.

The contract says only `scheme: bearer`; which tokens exist is the mock's config, not the spec's
business, so instead of an `x-bearerInfoFunc` (a Python path inside the contract) the app factory
hands connexion a security handler that closes over its accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from connexion.exceptions import OAuthProblem
from connexion.security import NO_VALUE, BearerSecurityHandler

from mock_server.http.pipeline.authorization import bearer_token, has_authorization
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.sms.accounts import Account

TokenInfo = dict[str, Any]


class Accounts(Protocol):
    """Who holds a token: the configured `Accounts`, or the live `AccountRegistry`, which is
    read again on every call, so that a token revoked at run time is refused at once."""

    def authenticate(self, token: str) -> Account | None: ...


def token_check(accounts: Accounts) -> Callable[[str], TokenInfo | None]:
    """The `token_info` the handlers get for a token of `accounts`, or None for any other."""

    def token_info(token: str) -> TokenInfo | None:
        # Accounts.authenticate compares in constant time; the token itself is never logged.
        account = accounts.authenticate(token)
        if account is None:
            return None
        return {"sub": account.name, "account": account}

    return token_info


def account_name(accounts: Accounts) -> Callable[[str], str | None]:
    """The name of the account a token belongs to, or None (for the request journal, which
    shows who called, never the token)."""

    def name(token: str) -> str | None:
        account = accounts.authenticate(token)
        return None if account is None else account.name

    return name


def bearer_handler(accounts: Accounts, calls: StoreCalls) -> type[BearerSecurityHandler]:
    """A connexion security handler class whose token check consults `accounts` through
    `calls` (the run-time accounts live in the store: off the event loop when it may wait;
    connexion awaits a check that is a coroutine)."""
    check_token = token_check(accounts)

    async def token_info(token: str) -> TokenInfo | None:
        return await calls(check_token, token)

    class AccountBearerHandler(BearerSecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[[str], Any]:
            return token_info

        def _get_verify_func(self, token_info_func: Callable[[str], Any]) -> Callable[[Any], Any]:
            # The project's one reading of the header (`authorization`), not connexion's
            # `split()`, which takes a tab, and the first of two headers.
            check = self.check_bearer_token(token_info_func)

            def verify(request: Any) -> Any:
                headers = request.scope["headers"]
                token = bearer_token(headers)
                if token is not None:
                    return check(request, token)
                if not has_authorization(headers):
                    return NO_VALUE  # connexion's "No authorization token provided"
                raise OAuthProblem(
                    detail="Authorization must be one `Bearer <token>` header (RFC 6750)."
                )

            return verify

    return AccountBearerHandler
