"""Hypothesis profiles for every property test (schemathesis included).

`ci` when CI is set (what `make test` runs there), else `dev`; `make contract-long` picks `long`
with `--hypothesis-profile=long` and a random `--hypothesis-seed`, which wins over the choice here.
"""

import os

from hypothesis import settings

# deadline=None: a test that talks to a server is timed by the server, not by the data it draws.
settings.register_profile("dev", max_examples=50, deadline=None)
# Same examples on every CI run (a red build is reproducible); exploring is the long run's job.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("long", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
