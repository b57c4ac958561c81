"""Check a live Aatrox SMS server (the real API, a staging server, another mock) against
openapi.yaml: `aatrox-sms-verify` / `make verify`.

It reads unless told a sender and a recipient (`--from`, `--to`), then also sends a few messages
between those two numbers only. Every answer is checked twice, independently: by schemathesis's
response checks (status, media type, headers, schema) and by Prism's validating proxy, through
which the calls go. The report is a table per operation and documented status (exercised or not,
conformant or not) on the console and JUnit XML on disk; the exit status is 1 on any violation.

Modules: `cli` (the command and its flags), `options` (what it was asked, how it prints),
`contract` (openapi.yaml: where it is, its path prefix, its phone number pattern; the mock is
not imported), `run` (one check, start to end), `plan` (what
is called, in which order, from which earlier answers), `calls` (one call, checked), `violations`
(what a failed check says), `prism_proxy` (the second opinion), `report` (table and JUnit).
"""
