"""The inbox page on a store of 20,000 conversations and 200,000 messages: the first screen shows,
a new send appears without a reload, older conversations come a page at a time, and the list
narrows to one account. What is held here is that it works at that size; how fast is what
`make bench` reports (its inbox part; a timed test would fail on a busy machine, not on a bug).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from bench.inbox_page import ACME_NUMBER, NEW_PHONE, phone_number, preload
from mock_server.app import create_app
from mock_server.sms.store import MemoryStore
from tests.api.harness import MANUAL_CONFIG
from tests.browser.test_inbox_page import (
    DEV,
    assert_not_reloaded,
    mark_the_page,
    read,
    wait_for,
    wait_live,
)
from tests.contract.servers import uvicorn_thread

CONVERSATIONS, MESSAGES = 20_000, 200_000
#: What the page reads at once (inbox.js: LIST_PAGE, THREADS_SHOWN).
LIST_PAGE, THREADS_SHOWN = 50, 5


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    """This module's mock (the browser fixture's): the preloaded store, never reset here."""
    store = MemoryStore()
    preload(store, CONVERSATIONS, MESSAGES)
    with uvicorn_thread(create_app(MANUAL_CONFIG, store=store)) as base_url:
        yield base_url


@pytest.fixture
def page(browser: webdriver.Chrome, mock_url: str) -> Iterator[httpx.Client]:
    browser.get(mock_url + "/")
    wait_live(browser)
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        yield client


def phones(browser: webdriver.Chrome) -> list[str]:
    return read(
        browser,
        "#conversations li",
        lambda _: [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#conversations strong")],
    )


def test_the_first_screen_shows_the_newest_conversations_and_their_threads(
    browser: webdriver.Chrome, page: httpx.Client
) -> None:
    wait_for(browser, "#threads .message[data-message-id]")
    listed = phones(browser)
    # The newest stored message is the last one, of the last conversation.
    newest = (MESSAGES - 1) % CONVERSATIONS
    assert listed == [phone_number(newest - i) for i in range(LIST_PAGE)]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#threads .thread")) == THREADS_SHOWN
    assert browser.find_element(By.ID, "empty").is_displayed() is False

    browser.find_element(By.ID, "more-conversations").click()
    wait_for(browser, f"#conversations li:nth-child({2 * LIST_PAGE})")
    assert phones(browser)[LIST_PAGE] == phone_number(newest - LIST_PAGE)


def test_a_new_send_appears_on_top_without_a_reload(
    browser: webdriver.Chrome, page: httpx.Client
) -> None:
    wait_for(browser, "#threads .message[data-message-id]")
    mark_the_page(browser)
    answer = page.post(
        "/api/v2/sms/send",
        json={"from": ACME_NUMBER, "to": NEW_PHONE, "text": "At scale"},
        headers=DEV,
    )
    assert answer.status_code == 200
    text = read(browser, f'[data-message-id="{answer.json()["id"]}"]', lambda item: item.text)
    assert "At scale" in text
    assert phones(browser)[0] == NEW_PHONE
    assert_not_reloaded(browser)


def test_the_list_narrows_to_one_accounts_conversations(
    browser: webdriver.Chrome, page: httpx.Client
) -> None:
    wait_for(browser, "#threads .message[data-message-id]")
    account = browser.find_element(By.ID, "account-filter")
    account.send_keys("acme", Keys.ENTER)
    account.send_keys(Keys.TAB)  # the change event

    def only_acme(driver: webdriver.Chrome) -> bool:
        apps = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#conversations .muted")]
        return len(apps) == LIST_PAGE and all(app.endswith(ACME_NUMBER) for app in apps)

    WebDriverWait(browser, 10).until(only_acme)
    for thread in browser.find_elements(By.CSS_SELECTOR, "#threads .thread h2"):
        assert ACME_NUMBER in thread.text
