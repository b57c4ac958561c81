"""Problems and errors: every error the mock answers, as one bounded RFC 9457 document."""
