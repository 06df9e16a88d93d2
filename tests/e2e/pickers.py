"""Driving a typeahead picker (core.widgets.PickerSelect, Tom Select) as a user does."""

from playwright.sync_api import expect


def pick(page, field_id: str, text: str, *, choose: str | None = None) -> None:
    """Type ``text`` into the picker of ``<select id=field_id>`` and click the first result
    that shows ``choose`` (default: ``text``); nothing to do when that is chosen already."""
    if page.locator(f"#{field_id} option:checked", has_text=choose or text).count():
        return
    page.locator(f"#{field_id} + .ts-wrapper .ts-control").click()
    control = page.locator(f"#{field_id}-ts-control")
    control.fill(text)
    option = page.locator(f"#{field_id}-ts-dropdown .option", has_text=choose or text).first
    expect(option).to_be_visible()
    option.click()
    control.press("Escape")
