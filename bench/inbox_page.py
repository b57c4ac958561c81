"""The inbox page on a preloaded store, in headless Chromium: the part of `make bench` for
issue 19's page at scale (`make bench ARGS='--only inbox'` runs it alone).

Reports the page's first render (from navigation until the first screen of conversations and
its threads are shown) and how long after a send was answered it is visible on the page, with
20,000 conversations and 200,000 messages stored (the aim: both under 2 s), on each store. It
needs Debian's chromium and chromium-driver (installed when run as root; else this part is
skipped, saying why). `preload` is also what the browser test at scale stores.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from bench.compare import Say
from bench.postgres import local_cluster
from bench.settings import Settings
from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.sms.config import DEFAULT_CONFIG_YAML, load_config
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.store import MemoryStore, MessageStore, NewMessage, SqliteStore
from tests.support.debian import ensure_commands

#: acme's number (the default config): every tenth conversation is acme's, the rest dev's.
ACME_NUMBER = "+61491570156"
#: The phone a measured send goes to: not among the preloaded ones.
NEW_PHONE = "+61491570158"
_BATCH = 2000


def app_number(conversation: int) -> str:
    return ACME_NUMBER if conversation % 10 == 0 else f"+614990{conversation % 10:05d}"


def phone_number(conversation: int) -> str:
    return f"+6140{conversation:07d}"


def preload(store: MessageStore, conversations: int, messages: int) -> None:
    """`messages` spread evenly over `conversations` (a phone and an app number each), written
    straight to the store an hour ago (so every status is final); every third message is the
    phone's reply, the others the app's send (acme's for every tenth conversation, else dev's)."""
    start = datetime.now(UTC) - timedelta(hours=1)
    batch: list[NewMessage] = []
    for n in range(messages):
        conversation = n % conversations
        app, phone = app_number(conversation), phone_number(conversation)
        inbound = n // conversations % 3 == 2
        sender = None if inbound else ("acme" if app == ACME_NUMBER else "dev")
        batch.append(
            NewMessage(
                id=f"msg_{n:024x}",
                sender_account=sender,
                from_addr=phone if inbound else app,
                to_addr=app if inbound else phone,
                text=f"Message {n} of conversation {conversation}",
                encoding="gsm7",
                segment_count=1,
                outcome=Outcome.DELIVERED,
                inbound=inbound,
                arrival_delay_us=0 if inbound else 1_000_000,
            )
        )
        if len(batch) == _BATCH or n == messages - 1:
            at = start + timedelta(microseconds=n)
            store.add(batch, lambda at=at: at)  # type: ignore[misc]
            batch = []


@contextmanager
def served(store: MessageStore) -> Iterator[str]:
    """The mock (default config, real clock) on `store`, on a free port; its base URL."""
    with ThreadedServer(create_app(load_config(DEFAULT_CONFIG_YAML), store=store)) as server:
        yield server.base_url


def first_render_s(browser: webdriver.Chrome, base_url: str) -> float:
    """Seconds from navigating to the page until its first screen and a thread are shown."""
    started = time.perf_counter()
    browser.get(base_url + "/")
    WebDriverWait(browser, 60, poll_frequency=0.01).until(
        lambda b: (
            b.find_elements(By.CSS_SELECTOR, "#conversations li")
            and b.find_elements(By.CSS_SELECTOR, "#threads .message[data-message-id]")
        )
    )
    return time.perf_counter() - started


def send_visible_s(browser: webdriver.Chrome, base_url: str, text: str) -> float:
    """Seconds from a send's answer until the page shows its message."""
    answer = httpx.post(
        base_url + "/api/v2/sms/send",
        json={"from": ACME_NUMBER, "to": NEW_PHONE, "text": text},
        headers={"Authorization": "Bearer dev-token"},
    )
    answered = time.perf_counter()
    answer.raise_for_status()
    css = f'[data-message-id="{answer.json()["id"]}"]'
    WebDriverWait(browser, 60, poll_frequency=0.01).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, css)
    )
    return time.perf_counter() - answered


def chromium() -> webdriver.Chrome:
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver is None:  # run_inbox installs them first, or skips
        raise RuntimeError("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1000")
    os.environ.setdefault("SE_OFFLINE", "true")
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def run_inbox(settings: Settings, workdir: Path, say: Say) -> dict[str, Any]:
    """Per store: the preload's time, and the first renders and sends' arrivals (medians, max);
    or `skipped`, saying why, where Chromium is missing and cannot be installed."""
    why_not = ensure_commands(["chromium", "chromedriver"], ["chromium", "chromium-driver"])
    if why_not:
        say(f"inbox page: skipped ({why_not})")
        return {"skipped": why_not}
    found: dict[str, Any] = {
        "conversations": settings.inbox_conversations,
        "messages": settings.inbox_messages,
        "runs": settings.inbox_runs,
        "stores": {},
    }
    with ExitStack() as resources:
        browser = chromium()
        resources.callback(browser.quit)
        cluster = None
        if "postgres" in settings.inbox_stores:
            cluster = resources.enter_context(local_cluster())
        for name in settings.inbox_stores:
            store = _store(name, workdir, None if cluster is None else cluster.new_database())
            try:
                say(f"inbox page: {name} store, preloading {settings.inbox_messages:,} messages")
                found["stores"][name] = _measure(settings, store, browser)
            finally:
                store.close()
    return found


def _store(name: str, workdir: Path, database_url: str | None) -> MessageStore:
    if name == "memory":
        return MemoryStore()
    if name == "sqlite":
        return SqliteStore(workdir / "inbox.db")
    from mock_server.sms.store.postgres import PostgresStore  # the `postgres` extra

    assert database_url is not None
    return PostgresStore(database_url)


def _measure(settings: Settings, store: MessageStore, browser: webdriver.Chrome) -> dict[str, Any]:
    started = time.perf_counter()
    preload(store, settings.inbox_conversations, settings.inbox_messages)
    preload_s = time.perf_counter() - started
    with served(store) as base_url:
        renders = [first_render_s(browser, base_url) for _ in range(settings.inbox_runs)]
        sends = [
            send_visible_s(browser, base_url, f"Measured send {n}")
            for n in range(settings.inbox_runs)
        ]
    return {
        "preload_s": round(preload_s, 1),
        "first_render_s": {"median": statistics.median(renders), "max": max(renders)},
        "send_visible_s": {"median": statistics.median(sends), "max": max(sends)},
    }
