"""A described control's label carries no stray "null" (ipywidgets 8 writes a missing tooltip into the
label's title as the word "null", which hovering and screen readers show)."""

from __future__ import annotations

import ipywidgets as widgets

from microsolidarity_widgets.apps.controls import date_picker, wide


def test_described_controls_have_a_tooltip_that_is_never_null():
    for control in (date_picker("Joined on"), widgets.Dropdown(description="Kind", options=["a"], **wide()),
                    widgets.Text(description="Name", **wide(tooltip="The member's name"))):
        assert control.tooltip is not None, control
    assert widgets.Text(**wide(tooltip="The member's name")).tooltip == "The member's name"
