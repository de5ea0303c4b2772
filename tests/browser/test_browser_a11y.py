"""Accessibility: axe-core finds no WCAG 2.0/2.1 A or AA violation on any reader's page, in both languages.

axe-core is vendored for these tests only (tests/browser/vendor/, MPL-2.0, its
version in VENDOR.json); the app never serves it. It is run in the page by
Playwright's evaluate, which the page's Content-Security-Policy does not govern,
so the app's own CSP stays as it is while axe checks the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COMPARE = "#compare=place:modu-space,place:tanjiaqiao-road&r=1000"
PAGES = {
    "map": "/?lang={lang}",
    "map-district": "/?lang={lang}#district=310106",
    "map-place": "/?lang={lang}#place=modu-space",
    "reading": "/stories?lang={lang}",
    "embed": "/embed?lang={lang}",
    "present": "/present?lang={lang}",
    "present-stop": "/present?lang={lang}#slide=3",
    "quiz": "/quiz?lang={lang}",
    "handout": "/handout?lang={lang}",
    "compare": "/?lang={lang}" + COMPARE,
    "compare-print": "/compare/print?items=place:modu-space,place:tanjiaqiao-road&r=1000&lang={lang}",
}
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def run_axe(page) -> list[dict]:
    """axe's WCAG A/AA violations on the page as it is now: [{id, help, targets}]."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary.split("\\n").slice(1, 3).join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )


def settle(page) -> None:
    """Wait until the page's script has drawn what a reader first sees."""
    page.wait_for_load_state("networkidle")
    if page.evaluate("() => !!window.StoryMapLayers"):
        page.wait_for_function("() => document.querySelectorAll('path.district').length > 0")
        page.wait_for_function("() => !window.StoryMapLayers.map._animatingZoom")
    page.wait_for_timeout(300)  # fly-to animations and lazily loaded panels


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['help']}):\n    " + "\n    ".join(v["targets"][:8]) for v in violations)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_a_or_aa_violation(open_page, live_server, name, lang, size):
    page, _ = open_page(viewport=SIZES[size], locale="zh-CN" if lang == "zh" else "en-GB")
    page.goto(live_server + PAGES[name].format(lang=lang))
    settle(page)
    violations = run_axe(page)
    assert not violations, f"{name} ({lang}, {size}):\n{describe(violations)}"


def test_axe_finds_a_violation_it_is_meant_to_find(open_page, live_server):
    """The check itself works: an image without a text alternative is reported."""
    page, _ = open_page(viewport=SIZES["desktop"])
    page.goto(live_server + "/stories")
    settle(page)
    page.evaluate("() => { const i = document.createElement('img'); i.src = 'data:,'; document.body.append(i); }")
    assert "image-alt" in {v["id"] for v in run_axe(page)}
