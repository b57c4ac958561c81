"""The toolkit's tests: unit (tests/unit), client against server, contract (tests/contract)."""
