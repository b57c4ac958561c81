"""One headless Chromium (Debian's `chromium` and `chromium-driver`, driven by selenium) and one
mock with a manual clock, for the whole module: a browser takes about a second to start.

When Chromium is missing, the session installs it as root with apt-get (like `make bench` with
wrk); elsewhere the tests are skipped with the reason printed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from mock_server.app import create_app
from tests.api.harness import MANUAL_CONFIG
from tests.contract.servers import uvicorn_thread
from tests.support.debian import ensure_commands

WIDTH, HEIGHT = 1400, 1000


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """The paths of chromium and chromedriver."""
    why_not = ensure_commands(["chromium", "chromedriver"], ["chromium", "chromium-driver"])
    if why_not:
        pytest.skip(f"browser tests need Chromium: {why_not}")
    return shutil.which("chromium") or "", shutil.which("chromedriver") or ""


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with uvicorn_thread(create_app(MANUAL_CONFIG, validate_responses=True)) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser(chromium: tuple[str, str], mock_url: str) -> Iterator[webdriver.Chrome]:
    binary, driver = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never download a driver
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()  # before the mock stops: its open event stream would delay the stop


@pytest.fixture
def api(mock_url: str, browser: webdriver.Chrome) -> Iterator[httpx.Client]:
    """A client of the mock, which starts each test from nothing; the page is opened afresh."""
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        client.post("/_mock/reset").raise_for_status()
        client.delete("/_mock/requests").raise_for_status()
        client.delete("/_mock/faults").raise_for_status()
        browser.set_window_size(WIDTH, HEIGHT)
        browser.get(mock_url + "/")
        yield client
