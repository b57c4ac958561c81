"""The mock's HTTP layer: connexion wiring that translates requests into calls of `mock_server.sms`.

Nothing here knows an SMS rule; everything here is about HTTP. The layout, by concern:

- `mock_server.contract` (beside this package): openapi.yaml and control.yaml compiled once;
  every value the code takes from them (routes, prefix, limits, defaults, bounds) is read there
  and nowhere else. Change the spec, not the Python.
- `routes.py`: the one route table (concrete paths before templated ones, methods per path).
- `handlers.py`: the operations of both specs, thin translations to the services.
- `pipeline/`: the layers a request passes. Outermost first: `fast_path` (plain valid public
  calls, answered in one step), `journal.ObservingMiddleware` (mock_server.inbox: tells the
  one observer of answers), connexion's exception middleware, `faults.FaultMiddleware`,
  `gate.RouteGate` (trailing slash, 405, 413), `timeouts.BodyTimeoutMiddleware` (408), the
  inbox page's files, then connexion's routing, security (`auth`) and validation
  (`validation`, `bodies`), and the handler (`operations`: its decorators built once).
- `problems/`: every error as one bounded RFC 9457 document (`documents`), rendered in one
  place (`rendering`: for connexion's error handlers and for the fast path alike).
- The inbox feature is its own package, mock_server.inbox: its page's files (static/), their
  server (`page`), its control calls (`api`), the request journal, the event stream and the
  observer that feeds both.

Who decides an answer: the fast path (its answers, and a handler's error rendered by
`problems.rendering.render`, so a handler never runs twice); otherwise the fault switch, the route
gate, the body time limit, connexion (401, 404, 405 of a templated path, 400/415 of validation)
and the handler.

Connexion internals this layer relies on (connexion 3.3.0, pinned exactly; each is exercised by
the API tests, so an upgrade that moves one fails them). This is the one list: add to it, or
strike from it, with the code. "Upstream" is what would let the line go.

- `pipeline/operations.py`: `AsyncApp._middleware_app.api_cls`, `AsyncApi.make_operation`,
  `AsyncOperation.fn`/`_fn` and `StarletteDecorator.decorate`/`framework`/`uri_parser`, to build
  each handler's decorator chain once instead of on every request. Upstream: no issue asks for it
  (searched); the nearest is spec-first/connexion#2107 (throughput of a connexion service).
- `pipeline/auth.py`: `BearerSecurityHandler._resolve_func`, so that the token check is a function
  of the app's accounts rather than a Python path written into the contract (`x-bearerInfoFunc`).
  Upstream: spec-first/connexion#427 (local token validation) led to `x-*InfoFunc` paths only; no
  issue asks for a callable.
- `pipeline/validation.py`: the body validator's `_schema` and `_required`; the parameter
  validator's `validate_query_parameter_list`, `parameters`, `security_query_params` and
  `strict_validation`; `RequestValidationOperation.extract_content_type` and `validate_mime_type`,
  `RequestValidationAPI.make_operation` (with `next_app` and `validator_map`) and
  `RequestValidationMiddleware.api_cls`, so that connexion's request validation leaves the body to
  `bodies.py` instead of splitting the Content-Type itself (the stack is swapped through the
  documented `AsyncApp(middlewares=...)`, starting from `ConnexionMiddleware.default_middlewares`);
  `connexion.json_schema.Draft4RequestValidator` and `connexion.datastructures.MediaTypeDict`
  (undocumented modules). Upstream: spec-first/connexion#1860 (a body that is not UTF-8 is a 500);
  no issue asks for every error of a request instead of the first, nor for one reading of a body
  shared with the handler.
- `pipeline/bodies.py` and `pipeline/operations.py`: `SharedBodyRequest` overrides
  `ConnexionRequest`'s `content_type`, `mimetype`, `form`, `files` and `get_body`, so the handler
  gets the body the validator checked. Upstream: none found.
- `pipeline/fast_path.py`: `connexion.decorators.parameter.pythonic`, connexion's own rule for
  naming a handler's arguments (`from` -> `from_`), used so that both paths name them alike.
  Upstream: none; it is a module function, not a documented API.
- `mock_server/contract.py` (and the tests): `connexion.spec.Specification.load`, to read the spec
  with its `$ref`s resolved exactly as connexion does. Upstream: none; undocumented but stable since
  3.0.
- The tests: `AsyncApp.middleware.middlewares` (tests/test_cli.py), to see which middleware, with
  which options, the command line gave the app. Upstream: none; a test-only look inside.

Struck: `BearerSecurityHandler._accepts_kwarg` (an override that spared two `inspect.signature`
calls per request): the fast path answers plain calls without connexion's security, so the
saving is left only where connexion answers (errors, `--no-fast-path`).
"""
