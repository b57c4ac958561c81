"""`python -m contract_verify`: the same as the `aatrox-sms-verify` command."""

from contract_verify.cli import main

raise SystemExit(main())
