"""Which Chromium is used for what (kpi.browser): the headless shell for the reports' charts, the browser otherwise."""

from __future__ import annotations

import stat

import pytest

from kpi import browser


def _executable(path) -> str:
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A PATH with nothing on it and no Playwright downloads; `install(name)` puts an executable `name` on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KPI_CHROMIUM", raising=False)
    return lambda name: _executable(bin_dir / name)


def test_the_headless_shell_is_preferred_for_charts_the_browser_for_the_rest(machine):
    full = machine("chromium")
    assert (browser.find_chromium(), browser.find_headless()) == (full, full)
    assert browser._missing() == ["chromium-headless-shell"]
    shell = machine("chromium-headless-shell")
    assert (browser.find_chromium(), browser.find_headless()) == (full, shell)
    assert browser._missing() == []


def test_playwrights_own_builds_are_found_when_nothing_is_installed(machine, tmp_path):
    assert (browser.find_chromium(), browser.find_headless()) == (None, None)
    assert browser._missing() == ["chromium", "chromium-headless-shell"]
    cache = tmp_path / "home" / ".cache" / "ms-playwright"
    # Playwright's layout (driver/package/lib/coreBundle.js: "chrome-linux64", "chrome-headless-shell-linux64")
    (cache / "chromium-1200" / "chrome-linux64").mkdir(parents=True)
    (cache / "chromium_headless_shell-1200" / "chrome-headless-shell-linux64").mkdir(parents=True)
    full = _executable(cache / "chromium-1200" / "chrome-linux64" / "chrome")
    shell = _executable(
        cache / "chromium_headless_shell-1200" / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    )
    assert (browser.find_chromium(), browser.find_headless()) == (full, shell)


def test_kpi_chromium_is_used_for_everything(machine, tmp_path, monkeypatch):
    machine("chromium")
    machine("chromium-headless-shell")
    chosen = _executable(tmp_path / "my-chrome")
    monkeypatch.setenv("KPI_CHROMIUM", chosen)
    assert (browser.find_chromium(), browser.find_headless()) == (chosen, chosen)
