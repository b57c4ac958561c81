"""Raw HTTP, as careless and hostile clients send it, at the mock in process."""
