"""Unit tests of `mock_server.sms`: the SMS rules, without HTTP."""
