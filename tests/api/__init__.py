"""The public API through the generated client, against the in-process mock (one test per promise
of the product spec), and the control API through plain HTTP."""
