"""axe-core, the accessibility rules engine, run inside a page the browser tests have opened.

axe-core is vendored from its npm package (`make vendor`, pinned in package-lock.json) into
tests/browser/vendor/axe-core/ and injected by the tests only: no product page loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 / 2.1, levels A and AA: the level the product promises.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# The two viewports every page is checked at: a laptop and a phone.
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_run(page: Page) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe-core finds in the page as it is now (every impact)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy refuses an
        # inline <script> (add_script_tag), and that refusal is what the product wants.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                          summary: n.failureSummary, impact: n.impact})),
            }));
        }""",
        WCAG_AA,
    )
    return list(result)


def broken_references(page: Page) -> list[str]:
    """Elements whose aria-describedby / aria-labelledby / aria-controls / label[for] name an id
    that is not in the page (axe-core lets a half-broken aria-describedby pass)."""
    return list(
        page.evaluate(
            """() => {
                const broken = [];
                const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
                for (const element of document.querySelectorAll(attributes.map(a => `[${a}]`).join(","))) {
                    for (const attribute of attributes) {
                        for (const id of (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
                            if (!document.getElementById(id)) broken.push(`${element.outerHTML.slice(0, 160)}: ${attribute} -> #${id} missing`);
                        }
                    }
                }
                for (const label of document.querySelectorAll("label[for]")) {
                    if (!document.getElementById(label.htmlFor)) broken.push(`${label.outerHTML.slice(0, 160)}: for -> #${label.htmlFor} missing`);
                }
                return broken;
            }"""
        )
    )


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the serious and critical nodes, per rule."""
    found = []
    for violation in violations:
        nodes = [
            node
            for node in violation["nodes"]
            if (node["impact"] or violation["impact"]) in BLOCKING
        ]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    """The violations as a person reads them: rule, impact, element, and what is wrong."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{where}] {violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}\n      {node['html']}\n      {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page, url: str, *, name: str = "", expect_status: int = 200) -> None:
    """Open `url` at each viewport and fail on any serious or critical WCAG A/AA violation."""
    problems = []
    for viewport_name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        response = page.goto(url)
        assert response is not None and response.status == expect_status, (
            f"{url}: status {response and response.status}"
        )
        found = blocking(axe_run(page))
        if found:
            problems.append(describe(f"{name or url} @ {viewport_name}", found))
        broken = broken_references(page)
        if broken:
            problems.append(f"[{name or url} @ {viewport_name}] references to missing ids:")
            problems.extend(f"    {line}" for line in broken)
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
