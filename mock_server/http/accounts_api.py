"""The control API's accounts and tokens (`/_mock/accounts`, `/_mock/tokens`, the scoped
`/_mock/reset`): thin translations to `ControlService` and its `AccountRegistry`.

A token appears only in the answer that issues it; nothing here logs one.
"""

from __future__ import annotations

from typing import Any

from connexion import request
from starlette.datastructures import Headers
from starlette.responses import Response

from mock_server.http.handlers import ok
from mock_server.sms.accounts import Account
from mock_server.sms.control import ControlService
from mock_server.sms.errors import FieldError, ValidationFailed
from mock_server.sms.registry import EVERY_NUMBER

Json = dict[str, Any]


def _created(body: Json) -> Response:
    response = ok(body)
    response.status_code = 201
    return response


def _has_content(headers: Headers) -> bool:
    length = headers.get("content-length", "0").strip()
    return "transfer-encoding" in headers or length not in ("", "0")


def account_json(account: Account) -> Json:
    numbers = [EVERY_NUMBER] if account.all_numbers else sorted(account.numbers)
    return {"name": account.name, "numbers": numbers}


class AccountsApi:
    def __init__(self, control: ControlService) -> None:
        self.control = control

    def reset(self, body: Json | None = None) -> tuple[None, int]:
        if not body:
            # Connexion hands an absent optional body and a JSON `null` over alike (as {}): only
            # the request's length tells them apart, and a `null` is no way to ask for a reset.
            if _has_content(request.headers):
                raise ValidationFailed(
                    [FieldError("body", "must be an object with `account`, or no body at all")]
                )
            self.control.reset()
        else:
            self.control.reset_account(body["account"])
        return None, 204

    def issue_token(self, body: Json) -> Response:
        return _created({"token": self.control.registry.issue_token(body["account"])})

    def revoke_token(self, body: Json) -> tuple[None, int]:
        self.control.registry.revoke_token(body["token"])
        return None, 204

    def list_accounts(self) -> Response:
        return ok({"accounts": [account_json(a) for a in self.control.accounts()]})

    def add_account(self, body: Json) -> Response:
        name = body["name"]
        token = self.control.registry.add_account(name, body["numbers"], body.get("disclaimer"))
        return _created({"name": name, "token": token})

    def remove_account(self, name: str) -> tuple[None, int]:
        self.control.registry.remove_account(name)
        return None, 204
