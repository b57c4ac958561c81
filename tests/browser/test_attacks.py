"""A web page the developer visits cannot read or steer the mock (issue 16), tried in a real
headless Chromium as an attacker's page would: a page from another origin (a second loopback
port) posts a form, sends a `no-cors` fetch and a beacon to the control API, and frames the inbox
page; a page under a name rebound to 127.0.0.1 (`--host-resolver-rules`) reads the mock.

Each attack succeeds against a mock without the request guard
(mock_server/http/pipeline/request_guard.py) and the inbox page's frame headers; here nothing is
changed, read or framed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from starlette.requests import Request
from starlette.responses import HTMLResponse

from mock_server.app import create_app
from tests.api.harness import DEV_A, DEV_B, MANUAL_CONFIG
from tests.contract.servers import uvicorn_thread

DEV = {"Authorization": "Bearer dev-token"}
SECRET = "Your code is 918273"
FORGED = "forged by another site"
REBOUND = "evil.example"
#: How long an attack is given to land: far longer than a local request takes.
LAND_S = 2.0


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with uvicorn_thread(create_app(MANUAL_CONFIG)) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def attacker_url(mock_url: str) -> Iterator[str]:
    """Another origin (another port on 127.0.0.1), serving the attack pages."""
    pages = _attack_pages(mock_url)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        path = Request(scope).url.path
        await HTMLResponse(pages.get(path, "<p>attacker</p>"))(scope, receive, send)

    with uvicorn_thread(app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def chrome(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    binary, driver = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    # The attacker's name, rebound to this machine (as a DNS-rebinding attack does).
    options.add_argument(f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never download a driver
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def api(mock_url: str) -> Iterator[httpx.Client]:
    """A client of the mock; each test starts with one secret message stored."""
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        client.post("/_mock/reset").raise_for_status()
        client.delete("/_mock/faults").raise_for_status()
        sent = client.post(
            "/api/v2/sms/send", json={"from": DEV_A, "to": DEV_B, "text": SECRET}, headers=DEV
        )
        sent.raise_for_status()
        yield client


def _attack_pages(mock: str) -> dict[str, str]:
    inbound = json.dumps({"from": DEV_B, "to": DEV_A, "text": FORGED})
    done = "document.title = 'sent'"
    return {
        "/form": f"""<form method="POST" enctype="text/plain" action="{mock}/_mock/reset">
            <input name="x" value="y"></form><script>document.forms[0].submit()</script>""",
        "/fetch": f"""<script>fetch("{mock}/_mock/inbound", {{method: "POST", mode: "no-cors",
            body: new Blob([{json.dumps(inbound)}])}}).then(() => {{ {done} }},
            () => {{ {done} }})</script>""",
        "/beacon": f"""<script>navigator.sendBeacon("{mock}/_mock/inbound",
            new Blob([{json.dumps(inbound)}])); {done}</script>""",
        "/beacon-clock": f"""<script>navigator.sendBeacon("{mock}/_mock/clock/advance",
            new Blob(['{{"seconds": 3600}}'])); {done}</script>""",
        "/frame": f"""<iframe id="inbox" src="{mock}/" width="800" height="600"></iframe>""",
    }


def _texts(api: httpx.Client) -> list[str]:
    return [message["text"] for message in api.get("/_mock/messages").json()["messages"]]


def _holds(check: Callable[[], bool], seconds: float = LAND_S) -> bool:
    """Whether `check` stays true for `seconds` (an attack had that long to land)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            return False
        time.sleep(0.1)
    return check()


def test_a_cross_site_form_post_does_not_reset_the_mock(
    chrome: webdriver.Chrome, api: httpx.Client, attacker_url: str, mock_url: str
) -> None:
    chrome.get(attacker_url + "/form")
    # The form posts at once; a refusal is a page the browser shows (a 204 would not be).
    deadline = time.monotonic() + LAND_S
    while not chrome.current_url.startswith(mock_url) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _texts(api) == [SECRET]
    assert chrome.current_url == mock_url + "/_mock/reset"
    assert "Cross-site request refused" in chrome.page_source


@pytest.mark.parametrize("page", ["/fetch", "/beacon"])
def test_a_no_cors_fetch_or_a_beacon_stores_no_message(
    chrome: webdriver.Chrome, api: httpx.Client, attacker_url: str, page: str
) -> None:
    chrome.get(attacker_url + page)
    assert _holds(lambda: chrome.title == "sent" or chrome.title == "", LAND_S)
    assert _holds(lambda: _texts(api) == [SECRET])


def test_a_beacon_does_not_move_the_clock(
    chrome: webdriver.Chrome, api: httpx.Client, attacker_url: str
) -> None:
    def statuses() -> list[str]:
        return [m["status"] for m in api.get("/_mock/messages").json()["messages"]]

    assert statuses() == ["queued"]
    chrome.get(attacker_url + "/beacon-clock")
    # An hour on the manual clock would have delivered the message.
    assert _holds(lambda: statuses() == ["queued"])


def test_a_page_under_a_rebound_name_reads_nothing(
    chrome: webdriver.Chrome, api: httpx.Client, mock_url: str
) -> None:
    port = mock_url.rsplit(":", 1)[1]
    for path in ("/_mock/messages", "/", "/api/v2/sms/history"):
        chrome.get(f"http://{REBOUND}:{port}{path}")
        assert SECRET not in chrome.page_source
        assert "Host not served" in chrome.page_source
        assert not chrome.find_elements(By.ID, "reset")  # not the inbox page either


def test_another_site_cannot_frame_the_inbox_page(
    chrome: webdriver.Chrome, api: httpx.Client, attacker_url: str
) -> None:
    chrome.get(attacker_url + "/frame")
    frame = chrome.find_element(By.ID, "inbox")
    time.sleep(LAND_S / 2)  # the frame's load (or its refusal)
    chrome.switch_to.frame(frame)
    try:
        assert not chrome.find_elements(By.ID, "reset")
    finally:
        chrome.switch_to.default_content()


def test_the_journal_shows_a_right_to_left_override_escaped_and_isolated(
    chrome: webdriver.Chrome, api: httpx.Client, mock_url: str
) -> None:
    api.delete("/_mock/requests").raise_for_status()
    status = api.get("/api/v2/sms/msg_%E2%80%AEnekot", headers=DEV).status_code
    assert status >= 400
    chrome.get(mock_url + "/")
    deadline = time.monotonic() + LAND_S * 2
    while not chrome.find_elements(By.CSS_SELECTOR, "#journal .entry code bdi"):
        assert time.monotonic() < deadline, "the journal entry did not appear"
        time.sleep(0.1)
    shown = chrome.find_element(By.CSS_SELECTOR, "#journal .entry code bdi").text
    assert shown == "/api/v2/sms/msg_\\u{202E}nekot"
    line = chrome.find_element(By.CSS_SELECTOR, "#journal .entry .line").text
    assert line.index(str(status)) > line.index("nekot")  # the status is not run into the path


def test_the_inbox_page_asks_once_for_the_control_key_and_keeps_it_for_the_tab(
    chrome: webdriver.Chrome,
) -> None:
    key = "key-for-the-page"
    with uvicorn_thread(create_app(MANUAL_CONFIG, control_token=key)) as keyed_url:
        httpx.post(
            keyed_url + "/_mock/inbound",
            json={"from": DEV_B, "to": DEV_A, "text": SECRET},
            headers={"Authorization": f"Bearer {key}"},
        ).raise_for_status()
        chrome.get(keyed_url + "/")
        WebDriverWait(chrome, LAND_S * 2).until(expected_conditions.alert_is_present())
        prompt = chrome.switch_to.alert
        assert "control key" in prompt.text
        prompt.send_keys(key)
        prompt.accept()
        WebDriverWait(chrome, LAND_S * 2).until(
            lambda driver: SECRET in driver.find_element(By.ID, "threads").text
        )
        stored = chrome.execute_script("return sessionStorage.getItem('aatrox-mock-control-key')")
        assert stored == key
        chrome.refresh()  # the same tab: no second prompt
        WebDriverWait(chrome, LAND_S * 2).until(
            lambda driver: SECRET in driver.find_element(By.ID, "threads").text
        )
        chrome.execute_script("sessionStorage.clear()")
