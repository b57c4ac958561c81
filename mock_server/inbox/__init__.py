"""The inbox page: hand-written files in static/, served by mock_server.inbox.page."""
