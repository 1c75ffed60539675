"""The sandbox page in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`) via Selenium.

It clicks through a parent's set-up, a prompt arriving after "Jump to the next prompt", "We tried it", and
opening /progress's picture, with a screenshot at each step (their paths are printed). Selenium blocks, so it
runs in a thread while the sandbox serves on the test's event loop.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.content import Library
from bot.sandbox.run import Running
from tests.e2e.sandbox_fixtures import start_sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
)
WAIT = 30.0


def _browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing: install Debian's chromium and chromium-driver (.ci/run does it with apt-get)"
    return None


@pytest.fixture
async def running(sqlite_url: str, library: Library) -> AsyncIterator[Running]:
    async for r in start_sandbox(sqlite_url, library):
        yield r


class Page:
    """A thin layer over Selenium: find by visible text, wait for the page, screenshot each step."""

    def __init__(self, driver: Any, shots: Path) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        self.d = driver
        self.shots = shots
        self.wait = WebDriverWait(driver, WAIT)
        self.taken: list[Path] = []

    def until(self, found: Callable[[Any], Any], what: str) -> Any:
        from selenium.common.exceptions import TimeoutException

        try:
            return self.wait.until(found)
        except TimeoutException:
            self.shot("timeout")
            raise AssertionError(f"timed out waiting for {what}; see {self.taken[-1]}") from None

    def bubble(self, text: str) -> Any:
        from selenium.webdriver.common.by import By

        xpath = f"//div[contains(@class,'msg') and contains(@class,'bot')][contains(., {_xq(text)})]"
        return self.until(lambda d: (d.find_elements(By.XPATH, xpath) or [None])[-1], f"a bot message with {text!r}")

    def press(self, label: str) -> None:
        from selenium.webdriver.common.by import By

        xpath = f"//button[contains(@class,'inline-btn')][contains(., {_xq(label)})]"
        self.until(lambda d: d.find_elements(By.XPATH, xpath), f"a button {label!r}")[-1].click()

    def type(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        box = self.d.find_element(By.ID, "text")
        box.send_keys(text)
        self.d.find_element(By.ID, "send").click()

    def click_id(self, element_id: str) -> None:
        from selenium.webdriver.common.by import By

        self.d.find_element(By.ID, element_id).click()

    def shot(self, name: str) -> None:
        path = self.shots / f"{len(self.taken) + 1:02d}-{name}.png"
        self.d.save_screenshot(str(path))
        self.taken.append(path)


def _xq(text: str) -> str:
    return f'"{text}"' if '"' not in text else f"'{text}'"


def _drive(address: str, shots: Path) -> list[Path]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="sandbox-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        p = Page(driver, shots)
        driver.get(address)
        p.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#people button.active"), "the people list")
        assert "nothing leaves this machine" in driver.find_element(By.ID, "banner").text.lower()
        p.until(lambda d: "Sam" in d.find_element(By.ID, "chat-title").text, "the parent's chat")
        p.shot("page")

        # A parent's set-up, by typing and pressing buttons as in Telegram.
        p.type("/start")
        p.bubble("Is that OK with you?")
        p.press("I agree")
        p.bubble("Let's add your child")
        p.type("Mia")
        p.bubble("When was")
        p.type("2021-05")
        p.bubble("Is there another child")
        p.press("That's everyone")
        p.bubble("Which timezone")
        p.type("berlin")
        p.bubble("What time suits you")
        p.type("7pm")
        p.bubble("How often")
        p.press("Every day")
        p.bubble("You're all set")
        p.press("I'll wait")
        p.bubble("first one will arrive")
        p.shot("set-up")

        # The clock control brings the first scheduled prompt now.
        p.click_id("clock-next")
        p.bubble("Try saying")
        p.shot("prompt")

        p.press("We tried it")
        p.until(lambda d: d.find_elements(By.XPATH, "//button[contains(., 'Went well')]"), "the how-did-it-go buttons")
        p.shot("tried-it")

        # /progress from the command menu that the bot set with setMyCommands.
        p.click_id("menu-button")
        p.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#menu button[data-command='progress']"), "the menu")[
            0
        ].click()
        img = p.until(
            lambda d: next(
                (i for i in d.find_elements(By.CSS_SELECTOR, "img.photo") if i.get_attribute("naturalWidth") != "0"),
                None,
            ),
            "the progress picture",
        )
        p.shot("progress")
        tabs = set(driver.window_handles)
        img.click()
        p.until(lambda d: len(d.window_handles) > len(tabs), "the picture's tab")
        driver.switch_to.window((set(driver.window_handles) - tabs).pop())
        p.until(lambda d: d.execute_script("return document.contentType") == "image/png", "the picture itself")
        p.shot("picture")
        return p.taken
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


async def test_a_parent_clicks_through_the_sandbox_in_chromium(running: Running, tmp_path: Path) -> None:
    if reason := _browser_missing():
        pytest.skip(reason)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    taken = await asyncio.to_thread(_drive, running.address, shots)
    print("\nscreenshots:", *taken, sep="\n  ")
    assert [p.name.split("-", 1)[1] for p in taken] == [
        "page.png",
        "set-up.png",
        "prompt.png",
        "tried-it.png",
        "progress.png",
        "picture.png",
    ]
    assert all(p.stat().st_size > 5_000 for p in taken)  # real renders, not blank files
    running.tg.assert_no_errors()
