"""Driving a typeahead picker (core.widgets.PickerSelect, Tom Select) as a user does."""

from playwright.sync_api import expect


def pick(page, field_id: str, text: str, *, choose: str | None = None) -> None:
    """Type ``text`` into the picker of ``<select id=field_id>`` and click the first result
    that shows ``choose`` (default: ``text``); nothing to do when that is chosen already."""
    if page.locator(f"#{field_id} option:checked", has_text=choose or text).count():
        return
    chosen = page.locator(f"#{field_id} option:checked", has_text=choose or text)
    for attempt in range(3):
        page.locator(f"#{field_id} + .ts-wrapper .ts-control").click()
        control = page.locator(f"#{field_id}-ts-control")
        control.fill(text)
        option = page.locator(f"#{field_id}-ts-dropdown .option", has_text=choose or text).first
        expect(option).to_be_visible()
        option.click()
        control.press("Escape")
        # On a busy machine a late answer of the remote search can redraw the dropdown under the
        # click: check that the choice took, and type again if it did not.
        try:
            expect(chosen).not_to_have_count(0, timeout=3000)
        except AssertionError:
            if attempt == 2:
                raise
            continue
        _close(page, field_id)
        return


def _close(page, field_id: str) -> None:
    """Leave the picker with its dropdown shut. Escape alone is not enough on a busy machine: a
    late answer of the remote search opens the dropdown again while the field has the focus, and
    the open list then covers the next field. Tom Select opens it only for a focused field."""
    dropdown = page.locator(f"#{field_id}-ts-dropdown")
    for _attempt in range(3):
        page.locator(f"#{field_id}-ts-control").evaluate("element => element.blur()")
        expect(dropdown).to_be_hidden()
        # A multi-select may take the focus back after its choice (Tom Select refocuses it):
        # closed and still closed a moment later, or blur again.
        page.wait_for_timeout(300)
        if dropdown.is_hidden():
            return
    expect(dropdown).to_be_hidden()
