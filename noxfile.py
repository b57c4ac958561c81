"""The sessions behind the Makefile: every command line of the project is written here, once.

`make NAME` builds .venv (and node_modules) when the dependency files changed, then runs
`.venv/bin/nox -s NAME`. The sessions run inside that root .venv: nox makes no virtualenvs.
`.venv/bin/nox --list` shows them; `-- ARGS` (or `make NAME ARGS=...`) reaches the tool.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import nox
import yaml

nox.needs_version = ">=2026.10.20"
nox.options.default_venv_backend = "none"
# CI sets CI=true, which makes nox fail on a missing interpreter; the sessions name none anyway.
nox.options.error_on_missing_interpreters = False

ROOT = Path(__file__).resolve().parent
SPEC = "openapi.yaml"
CONTROL_SPEC = "mock_server/control.yaml"
GENERATOR_CONFIG = "generator-config.yml"
GENERATED = "generated"
GENERATED_PACKAGE = "generated/aatrox_sms_client"
# Every released version of the spec, as released: openapi-<version>.yaml.
RELEASED = "contracts/released"
# Every package of .venv, transitive ones too, at one exact version (`make lock` writes it).
CONSTRAINTS = "constraints.txt"
# What mypy checks with our settings (those that exist yet); ruff checks everything but generated/.
PROJECT_CODE = ("mock_server", "contract_verify", "tests", "bench", "examples", "noxfile.py")

# .venv/bin first on PATH, also when nox was started without activating .venv: the tools run are
# the pinned ones, and openapi-python-client's post-hooks find the pinned ruff (without ruff on PATH
# they are skipped with a warning, and the output is not formatted).
os.environ["PATH"] = os.pathsep.join([str(ROOT / ".venv" / "bin"), os.environ.get("PATH", "")])


def _npm_tool(name: str) -> str:
    """`name@version` as pinned in package.json: npx then runs the copy `npm ci` installed."""
    pins: dict[str, str] = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    return f"{name}@{pins[name]}"


def _generate_into(session: nox.Session, output: Path) -> None:
    """Generate the client project (pyproject.toml, README.md, aatrox_sms_client/) in `output`.

    `--meta uv` makes `output` an installable project with its own [tool.ruff], which the
    post-hooks use: our root [tool.ruff] cannot reach it (with `--meta none` it would).
    """
    session.run(
        "openapi-python-client",
        "generate",
        "--path",
        SPEC,
        "--config",
        GENERATOR_CONFIG,
        "--output-path",
        str(output),
        "--overwrite",
        "--meta",
        "uv",
        "--fail-on-warning",
    )


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by path relative to it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _committable_files(session: nox.Session, folder: str) -> set[str]:
    """Files under `folder` that git tracks or would add (not ignored ones such as __pycache__)."""
    listing = session.run(
        "git",
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--",
        folder,
        silent=True,
    )
    assert isinstance(listing, str)
    prefix = f"{folder}/"
    return {
        name.removeprefix(prefix)
        for name in listing.split("\0")
        if name and (ROOT / name).is_file()  # a tracked file deleted from the work tree is missing
    }


@nox.session(default=False)
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from openapi.yaml: afterwards it holds what the generator wrote, only.

    openapi-python-client's --overwrite deletes only api/ and models/, so the client is generated
    into an empty temporary folder and generated/ is then made identical to it: changed files
    rewritten, stray files deleted, unchanged files left alone (their mtimes too, so that make
    does not reinstall the client).
    """
    with tempfile.TemporaryDirectory(prefix="aatrox-generate-") as tmp:
        fresh = Path(tmp) / GENERATED
        _generate_into(session, fresh)
        wanted = _files(fresh)
        target = ROOT / GENERATED
        target.mkdir(exist_ok=True)
        changed = 0
        for name, content in wanted.items():
            path = target / name
            if not path.is_file() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                changed += 1
        for path in sorted(target.rglob("*"), reverse=True):  # children before their folders
            name = path.relative_to(target).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif name not in wanted:
                path.unlink()
                changed += 1
        session.log(f"{GENERATED}/: {len(wanted)} files, {changed} written or deleted")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail if generated/ is not exactly what `make generate` writes from openapi.yaml now."""
    if not (ROOT / GENERATED).is_dir():
        session.error(f"{GENERATED}/ does not exist: run `make generate` and commit it")
    with tempfile.TemporaryDirectory(prefix="aatrox-check-") as tmp:
        fresh = Path(tmp) / GENERATED
        _generate_into(session, fresh)
        wanted = _files(fresh)
    have = _committable_files(session, GENERATED)
    problems = [
        *(
            f"differs: {GENERATED}/{name}"
            for name in sorted(wanted.keys() & have)
            if (ROOT / GENERATED / name).read_bytes() != wanted[name]
        ),
        *(f"missing: {GENERATED}/{name}" for name in sorted(wanted.keys() - have)),
        *(f"not generated (stray): {GENERATED}/{name}" for name in sorted(have - wanted.keys())),
    ]
    if problems:
        for line in problems:
            session.log(line)
        session.error(
            f"{GENERATED}/ is not what {SPEC} and {GENERATOR_CONFIG} generate ({len(problems)} "
            "files): run `make generate` and commit the result; never edit generated/ by hand"
        )
    session.log(f"{GENERATED}/ matches a fresh generation ({len(wanted)} files)")


def _compile_constraints(session: nox.Session, output: Path, *extra: str) -> None:
    """Resolve pyproject.toml (dev group included) and the generated client into `output`.

    uv keeps the versions `output` already names where they still fit (so a new upstream
    release changes nothing until `make lock ARGS=--upgrade`). No `# via` annotations: they
    would name paths of this machine; uv writes no index URLs unless asked.
    """
    session.run(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        f"{GENERATED}/pyproject.toml",
        "--group",
        "pyproject.toml:dev",
        "--universal",  # one file for every platform and Python the project supports
        "--python-version",
        "3.11",
        "--no-annotate",
        "--custom-compile-command",
        "make lock",
        "--quiet",
        "--output-file",
        str(output),
        *extra,
    )


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Write constraints.txt: every package .venv installs, at one exact version (`make` installs
    with `-c constraints.txt`). `-- --upgrade` (or `--upgrade-package NAME`) moves to newer ones."""
    _compile_constraints(session, ROOT / CONSTRAINTS, *session.posargs)


def _check_constraints(session: nox.Session) -> None:
    with tempfile.TemporaryDirectory(prefix="aatrox-lock-") as tmp:
        fresh = Path(tmp) / CONSTRAINTS
        shutil.copyfile(ROOT / CONSTRAINTS, fresh)
        _compile_constraints(session, fresh)
        if fresh.read_bytes() != (ROOT / CONSTRAINTS).read_bytes():
            session.error(
                f"{CONSTRAINTS} does not match pyproject.toml and {GENERATED}/pyproject.toml: "
                "run `make lock` and commit it"
            )


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff (lint and format), mypy, both OpenAPI validators, and that constraints.txt matches
    pyproject.toml. Checks only; changes nothing."""
    _check_constraints(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    code = [name for name in PROJECT_CODE if (ROOT / name).exists()]
    session.run("mypy", *code)
    if (ROOT / GENERATED_PACKAGE).is_dir():
        # Upstream's smoke test for generated code: plain --strict (`--config-file=` reads no
        # config, so our own extra checks, which we could not fix there, stay out).
        session.run("mypy", "--config-file=", "--strict", GENERATED_PACKAGE)
    else:
        session.warn(f"{GENERATED_PACKAGE} does not exist yet (`make generate`): not type-checked")
    specs = [SPEC] + ([CONTROL_SPEC] if (ROOT / CONTROL_SPEC).is_file() else [])
    session.run("openapi-spec-validator", *specs)
    session.run(
        "npx",
        "--yes",
        _npm_tool("@stoplight/spectral-cli"),
        "lint",
        SPEC,
        "--ruleset",
        ".spectral.yaml",
        "--fail-severity=warn",
    )


def _version(spec: Path) -> tuple[int, ...]:
    version: str = yaml.safe_load(spec.read_text())["info"]["version"]
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


@nox.session
def breaking_changes(session: nox.Session) -> None:
    """openapi.yaml against the last released spec (contracts/released/), by Optic's breaking-change
    rules. A breaking change fails unless info.version starts a new major version."""
    released = max((ROOT / RELEASED).glob("openapi-*.yaml"), key=_version).relative_to(ROOT)
    old, new = _version(ROOT / released), _version(ROOT / SPEC)
    optic = ["npx", "--yes", _npm_tool("@useoptic/optic"), "diff", str(released), SPEC, "--check"]
    env = {"OPTIC_TELEMETRY_LEVEL": "off", "NO_UPDATE_NOTIFIER": "1"}
    if new[:1] > old[:1]:
        session.log(f"{SPEC} starts a new major version: breaking changes are allowed")
        session.run(*optic, env=env, success_codes=[0, 1])
        return
    try:
        session.run(*optic, env=env)
    except nox.command.CommandFailed:
        session.error(
            f"{SPEC} breaks the released contract {released} (the changes "
            "marked x above): make the change compatible, or bump info.version to a new major "
            "version (and, once released, add the spec to contracts/released/)"
        )


@nox.session(default=False)
def prism(session: nox.Session) -> None:
    """Prism's mock of openapi.yaml on 127.0.0.1:4010 (until Ctrl-C)."""
    session.run(
        "npx",
        "--yes",
        _npm_tool("@stoplight/prism-cli"),
        "mock",
        "-h",
        "127.0.0.1",
        "-p",
        "4010",
        SPEC,
        *session.posargs,
        env={"SCARF_ANALYTICS": "false"},
    )


@nox.session(default=False)
def mock(session: nox.Session) -> None:
    """The mock server (python -m mock_server), by default on 127.0.0.1:8080 (until Ctrl-C)."""
    session.run("python", "-m", "mock_server", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Every test under tests/ (unit, client against server, contract): hypothesis `ci` or `dev`.
    On CI (CI set) under coverage, as `make coverage` is; on a developer's machine without it,
    since tracing every process (the servers the tests start included) doubles the suite's time."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        _tests_under_coverage(session)
    else:
        session.run("pytest", *_PYTEST_WORKERS, *session.posargs)


@nox.session(default=False)
def coverage(session: nox.Session) -> None:
    """Every test under coverage, whose report names the lines and branches of mock_server/ no
    test reaches (the servers the tests start as subprocesses included). The floor
    ([tool.coverage.report] fail_under) holds for the whole suite only: with pytest arguments
    (a selection), the report is shown and not judged."""
    _tests_under_coverage(session)


# Two workers (pytest-xdist): much of the suite waits on servers and subprocesses, so two
# processes keep both cores busy; `make test ARGS='-n 0'` runs in one process. Work stealing: a
# worker that runs out takes tests from the other, so the slow tests (browser, several hosts,
# mypy) do not leave one worker running alone at the end.
_PYTEST_WORKERS = ("-n", "2", "--dist", "worksteal")


def _tests_under_coverage(session: nox.Session) -> None:
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", *_PYTEST_WORKERS, *session.posargs)
    session.run("coverage", "combine", "--quiet")
    session.run("coverage", "report", *(["--fail-under=0"] if session.posargs else []))


@nox.session(default=False)
def inbox_screenshot(session: nox.Session) -> None:
    """The README's picture of the inbox page (docs/inbox.png), taken by the browser tests."""
    session.run(
        "pytest",
        "tests/browser",
        "-k",
        "screenshot",
        *session.posargs,
        env={"INBOX_SCREENSHOT": str(ROOT / "docs" / "inbox.png")},
    )


@nox.session(default=False)
def contract(session: nox.Session) -> None:
    """Only the contract tests (tests/contract)."""
    session.run("pytest", "tests/contract", *session.posargs)


@nox.session(default=False)
def contract_long(session: nox.Session) -> None:
    """The contract tests, hypothesis profile "long", a fresh seed (printed, to repeat a run)."""
    seed = secrets.randbelow(2**32)
    session.log(f"hypothesis seed {seed}; repeat: make contract-long ARGS=--hypothesis-seed={seed}")
    session.run(
        "pytest",
        "tests/contract",
        "--hypothesis-profile=long",
        f"--hypothesis-seed={seed}",
        "--hypothesis-show-statistics",
        "--timeout=0",  # no per-test limit: a long run is long on purpose
        *session.posargs,  # after ours, so `-- --hypothesis-seed=N` wins
    )


@nox.session(default=False)
def verify(session: nox.Session) -> None:
    """A live server against the contract: `aatrox-sms-verify` (contract_verify/). `make verify
    BASE_URL=... TOKEN=... [FROM=... TO=...]` passes the token as AATROX_SMS_TOKEN, never as an
    argument (nox prints its command lines). The JUnit XML goes to reports/, beside the suite's;
    the command itself writes none unless asked."""
    session.run("aatrox-sms-verify", "--junit", "reports/verify-junit.xml", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """The benchmark (python -m bench)."""
    if not (ROOT / "bench").is_dir():
        session.error("bench/ is not written yet")
    session.run("python", "-m", "bench", *session.posargs)
