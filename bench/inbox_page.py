"""`python -m bench.inbox_page` — the inbox page on a preloaded store, in headless Chromium.

Reports the page's first render (from navigation until the first screen of conversations and
its threads are shown) and how long after a send was answered it is visible on the page, with
20,000 conversations and 200,000 messages stored by default (the aim: both under 2 s). Not part
of `make bench`: it needs Chromium and chromium-driver (Debian's), and measures the page, not
the API. `preload` is also what the browser test at scale stores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from mock_server.app import create_app
from mock_server.sms.config import DEFAULT_CONFIG_YAML, load_config
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.store import MemoryStore, MessageStore, NewMessage, SqliteStore

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
    app = create_app(load_config(DEFAULT_CONFIG_YAML), store=store)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        for _ in range(200):
            try:
                httpx.get(base_url + "/_mock/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


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
    if not binary or not driver:
        raise SystemExit("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1000")
    os.environ.setdefault("SE_OFFLINE", "true")
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox_page", description=__doc__)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--runs", type=int, default=5, help="renders and sends measured")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        store: MessageStore = (
            MemoryStore() if options.store == "memory" else SqliteStore(Path(directory) / "m.db")
        )
        started = time.perf_counter()
        preload(store, options.conversations, options.messages)
        loaded_s = time.perf_counter() - started
        browser = chromium()
        try:
            with served(store) as base_url:
                renders = [first_render_s(browser, base_url) for _ in range(options.runs)]
                sends = [
                    send_visible_s(browser, base_url, f"Measured send {n}")
                    for n in range(options.runs)
                ]
        finally:
            browser.quit()
            store.close()
    print(
        f"inbox page, {options.store} store, {options.conversations:,} conversations,"
        f" {options.messages:,} messages (preloaded in {loaded_s:.1f} s), {options.runs} runs:"
    )
    for name, values in (("first render", renders), ("send visible after", sends)):
        print(
            f"  {name:<20} median {statistics.median(values):.3f} s,"
            f" max {max(values):.3f} s (aim: under 2 s)"
        )


if __name__ == "__main__":
    main()
