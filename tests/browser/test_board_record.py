"""What a resident sees of the public record: the fingerprint on the board (text and QR code), a figure
opening the entries behind it, an entry with its proof, and the board as it stood on a past day."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.transparency.scenario import grow


def test_a_resident_follows_a_figure_to_its_entries_and_an_entry_to_its_proof(page, server, live_services, clock,
                                                                               community):
    grow(live_services, clock, community, 5)
    head = live_services.transparency.latest_head()
    page.goto(f"{server}/board/jinhua?rotate=120")
    page.locator("#in-progress").evaluate("s => s.classList.add('shown')")
    fingerprint = page.locator("#fingerprint")
    assert head["fingerprint"] in fingerprint.inner_text()
    assert fingerprint.locator("svg").count() == 1  # the QR code to photograph
    screenshot(page, "board-fingerprint")

    received = page.locator("#statistics a.tile").first
    count = int(received.locator("b").inner_text())
    received.click()
    assert page.locator("table tr td a").count() == count > 0  # each counted petition's entry
    screenshot(page, "board-figure-entries")
    page.locator("table tr td a").first.click()
    assert '"kind":"petition_step"' in page.locator("#entry").inner_text()
    assert "审计路径" in page.content() and head["root_hash"][:16] in page.content()
    screenshot(page, "board-entry-proof")

    day = clock.now().date()
    grow(live_services, clock, community, 3, seed=8)
    page.goto(f"{server}/board/jinhua?as_of={day.isoformat()}&rotate=120")
    assert f"截至 {day.isoformat()}" in page.locator("header").inner_text()
    assert head["fingerprint"] in page.locator("#fingerprint").inner_text()
