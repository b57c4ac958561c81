"""The mock's HTTP layer: connexion wiring that translates requests into calls of `mock_server.sms`.

Nothing here knows an SMS rule; everything here is about HTTP (problems, validation, middleware).
"""
