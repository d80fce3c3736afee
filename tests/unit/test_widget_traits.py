"""Widget trait names must not collide with the names ipywidgets' DOM views give meaning to.

A DOMWidgetView turns the values of `layout` and `style` into child views: a media widget with
a plain `style = Unicode(...)` trait broke every view in JupyterLab with a TypeError.
"""

import importlib

import pytest
from ipywidgets import DOMWidget

from filmstrip.widgets import _WIDGETS
from filmstrip.widgets.browser import RunBrowser

RESERVED_BY_DOM_VIEWS = {"layout", "style", "tooltip", "tabbable", "_dom_classes", "keys"}


def widget_classes():
    classes = {RunBrowser}
    for module_name, class_name in _WIDGETS.values():
        classes.add(getattr(importlib.import_module(module_name), class_name))
    return sorted(classes, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", widget_classes(), ids=lambda c: c.__name__)
def test_synced_traits_do_not_reuse_dom_view_names(cls):
    ours = set(cls.class_trait_names(sync=True)) - set(DOMWidget.class_trait_names(sync=True))
    assert not ours & RESERVED_BY_DOM_VIEWS, f"{cls.__name__} defines {ours & RESERVED_BY_DOM_VIEWS}"
