"""Html widget in Chromium: sandboxed scripts run but cannot reach the parent, inject, auto height."""

import re

import pytest
from playwright.sync_api import expect

from filmstrip.widgets.html import HtmlWidget

pytestmark = pytest.mark.browser


def html_media(document: str, inject: bool = True):
    from filmstrip.media.html import Html

    return Html(document, inject=inject)


SCRIPTED = """<!doctype html><html><head><title>t</title></head><body>
<p id="out">not run</p>
<script>
  let verdict;
  try { verdict = "parent readable: " + window.parent.document.title; }
  catch (err) { verdict = "parent blocked: " + err.name; }
  document.getElementById("out").textContent = "script ran; " + verdict;
</script></body></html>"""


def frame_of(page):
    page.wait_for_function("document.querySelector('iframe.fs-html-frame') !== null")
    return page.frame_locator("iframe.fs-html-frame")


def test_script_runs_inside_but_cannot_read_the_parent_document(page, mount):
    view = mount(HtmlWidget(html_media(SCRIPTED)))
    frame = view.root.locator("iframe")
    assert frame.get_attribute("sandbox") == "allow-scripts"
    out = frame_of(page).locator("#out")
    expect(out).to_have_text(re.compile(r"^script ran; "))
    assert out.inner_text() == "script ran; parent blocked: SecurityError"
    assert view.destroy() == 0


def test_inject_adds_default_style_and_inject_false_leaves_none(page, mount):
    plain = "<p>hello</p>"
    injected = mount(HtmlWidget(html_media(plain, inject=True)))
    bare = mount(HtmlWidget(html_media(plain, inject=False)))
    srcdoc_injected = injected.root.locator("iframe").get_attribute("srcdoc")
    srcdoc_bare = bare.root.locator("iframe").get_attribute("srcdoc")
    assert "<style data-filmstrip-inject>" in srcdoc_injected
    assert "<style" not in srcdoc_bare and "<p>hello</p>" in srcdoc_bare
    # The style is really applied inside the frame: body font-family and margin differ.
    frames = page.frame_locator("iframe.fs-html-frame")
    font_injected = frames.nth(0).locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    font_bare = frames.nth(1).locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    assert "system-ui" in font_injected
    assert "system-ui" not in font_bare
    assert injected.destroy() == 0 and bare.destroy() == 0


def test_doctype_stays_first_so_the_document_keeps_standards_mode(page, mount):
    view = mount(HtmlWidget(html_media("<!DOCTYPE html><html><body><p>x</p></body></html>")))
    body = frame_of(page).locator("body")
    assert body.evaluate("b => document.compatMode") == "CSS1Compat"
    assert view.destroy() == 0


def test_height_follows_a_tall_document_up_to_the_cap(page, mount):
    short = mount(HtmlWidget(html_media("<p>one line</p>")))
    tall = mount(HtmlWidget(html_media("<div style='height:500px;background:#eee'>tall</div>")))
    huge = mount(HtmlWidget(html_media("<div style='height:5000px'>huge</div>")))
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe.fs-html-frame')].every(f => f.dataset.contentHeight)"
    )
    heights = [
        v.root.locator("iframe").evaluate("f => f.getBoundingClientRect().height")
        for v in (short, tall, huge)
    ]
    assert heights[0] < 100, heights
    assert 500 <= heights[1] < 560, heights
    assert heights[2] == 800, heights  # capped; the frame scrolls inside
    for v in (short, tall, huge):
        assert v.destroy() == 0


def test_forged_height_messages_are_ignored(page, mount):
    view = mount(HtmlWidget(html_media("<p>x</p>")))
    page.wait_for_function("document.querySelector('iframe.fs-html-frame').dataset.contentHeight")
    before = view.root.locator("iframe").evaluate("f => f.style.height")
    # Same shape of message, but posted by the parent page itself without the token.
    page.evaluate("window.postMessage({filmstripHtmlHeight: 700, token: 'guess'}, '*')")
    page.wait_for_timeout(100)
    assert view.root.locator("iframe").evaluate("f => f.style.height") == before
    assert view.destroy() == 0
