"""Finding a page's controls as a person does: by the words on them (in the manner of solara's
``find(..., description=...)``), so a test says "press Record" rather than naming an attribute, and
fails when the page no longer shows what a person would look for.

A control's label is its ``description``: a button's text, a checkbox's text, the words beside a
field. The pages' own components count too: one with a ``label`` (a ``Checklist`` and its
question) is found by that label, and ``find(checklist, "Dev")`` looks inside it. What the page
hides (``layout.display == "none"``) or keeps off the page is not found: nobody could see it.
"""

from __future__ import annotations

from typing import Iterator

import ipywidgets as widgets

APPS_PACKAGE = "microsolidarity_widgets.apps"


def find(root, label: str, kind: type | None = None):
    """The one control labelled ``label`` under ``root`` (a widget, a page's app, or one of its
    components), of class ``kind`` when given. Fails, listing the labels there are, when none or
    several match. Pass the app rather than ``app.widget`` to find its components as well."""
    controls = list(_controls(_widget_of(root), _components(root)))
    found = [c for text, c in controls if text == label and (kind is None or isinstance(c, kind))]
    if len(found) == 1:
        return found[0]
    wanted = repr(label) + (f" of kind {kind.__name__}" if kind else "")
    shown = ", ".join(f"{text!r} ({type(c).__name__})" for text, c in controls) or "none"
    problem = "No control" if not found else f"{len(found)} controls"
    raise AssertionError(f"{problem} labelled {wanted}; the labels shown are: {shown}")


def shown_texts(root) -> Iterator[str]:
    """The words of every HTML and Label widget shown under ``root`` (a widget or a page's app)."""
    def walk(widget):
        if getattr(getattr(widget, "layout", None), "display", None) == "none":
            return
        if isinstance(widget, (widgets.HTML, widgets.Label)):
            yield widget.value
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    return walk(_widget_of(root))

def _widget_of(root) -> widgets.Widget:
    return root if isinstance(root, widgets.Widget) else root.widget


def _components(root) -> dict[int, object]:
    """The apps' own components (objects with a ``widget`` that are not widgets themselves) reachable
    through the attributes of ``root`` and of the objects of the apps' package it holds, such as a
    page's ``Session``: {id of the component's widget: the component}."""
    found: dict[int, object] = {}
    seen: set[int] = set()
    todo = [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, widgets.Widget):
            continue
        seen.add(id(obj))
        if isinstance(getattr(obj, "widget", None), widgets.Widget):
            found[id(obj.widget)] = obj
        todo.extend(value for value in vars(obj).values()
                    if type(value).__module__.startswith(APPS_PACKAGE) and hasattr(value, "__dict__"))
    return found


def _controls(widget: widgets.Widget, components: dict[int, object]) -> Iterator[tuple[str, object]]:
    """(label, control) for each labelled control shown in ``widget``'s tree, in the page's order."""
    if getattr(getattr(widget, "layout", None), "display", None) == "none":
        return
    component = components.get(id(widget))
    if isinstance(getattr(component, "label", None), widgets.Label):
        yield component.label.value, component
    if isinstance(getattr(widget, "description", None), str) and widget.description:
        yield widget.description, widget
    for child in getattr(widget, "children", ()):
        yield from _controls(child, components)


def ask_to_undo(page, reason: str) -> None:
    """On a level page: give the reason for undoing and press the undo button (the page then asks
    "Yes, undo it" or "No, keep it", or says why not)."""
    find(page, "Reason for undoing").value = reason
    find(page, "Undo this record…").click()


def blank_dropdowns(root) -> list[str]:
    """The labels of the dropdowns under ``root`` that hold a value their page's select does not show:
    the browser shows the option at ``index``, and nothing at all when it is None."""
    def walk(widget):
        if isinstance(widget, widgets.Dropdown) and widget.options:
            shown = widget.index is not None and widget._options_values[widget.index] == widget.value
            if not shown:
                yield f"{widget.description} (holds {widget.value!r}, shows index {widget.index!r})"
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    return list(walk(_widget_of(root)))
