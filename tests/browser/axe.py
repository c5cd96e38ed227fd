"""WCAG 2.1 A/AA audit of the page in the browser with axe-core.

axe-core comes from npm (package.json, pinned in package-lock.json; `scripts/test.sh` runs
`npm ci` into the git-ignored node_modules/). It is handed to the page by Playwright's
`evaluate`, which the page's Content-Security-Policy does not govern: the product never serves
it and its CSP stays as strict as it is.

    from tests.browser.axe import audit
    audit(page, role="canbo")          # fails the test on any violation, naming rule and element
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every audit appends one line here (page, role, viewport, violations): the crawl's count.
RECORD = ROOT / "test-artifacts" / "accessibility" / "audits.jsonl"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}


@functools.cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing): run `npm ci` at the "
            "repository root (scripts/test.sh does it; it needs Debian's npm)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class Audit:
    url: str
    role: str
    viewport: str
    violations: list[dict] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"{len(self.violations)} WCAG 2.1 A/AA violation(s) on {self.url} as {self.role} at {self.viewport}:"]
        for violation in self.violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
            for node in violation["nodes"][:10]:
                target = " ".join(json.dumps(t, ensure_ascii=False) for t in node["target"])
                summary = " / ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:3])
                lines.append(f"    {target}: {node['html'][:200]}")
                if summary:
                    lines.append(f"      {summary}")
            if len(violation["nodes"]) > 10:
                lines.append(f"    … and {len(violation['nodes']) - 10} more element(s)")
        return "\n".join(lines)


def combined_report(found: list[Audit]) -> str:
    """One paragraph per page and rule, naming the widths (and roles) where it failed."""
    groups: dict[tuple[str, str], dict] = {}
    for result in found:
        for violation in result.violations:
            entry = groups.setdefault((result.url, violation["id"]), {"violation": violation, "where": []})
            entry["where"].append(f"{result.role} at {result.viewport}")
    lines = [f"{len(groups)} WCAG 2.1 A/AA violation(s) (page × rule):"]
    for (url, rule), entry in groups.items():
        violation = entry["violation"]
        lines.append(f"- {url} — {rule} ({violation['impact']}): {violation['help']}; as {', '.join(entry['where'])}")
        for node in violation["nodes"][:3]:
            target = " ".join(json.dumps(t, ensure_ascii=False) for t in node["target"])
            summary = " / ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:2])
            lines.append(f"    {target}: {node['html'][:160]} — {summary[:200]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … and {len(violation['nodes']) - 3} more element(s)")
    return "\n".join(lines)


def run(page, *, role: str) -> Audit:
    """Run axe on the page as it stands; return what it found (the caller decides)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate("options => window.axe.run(document, options)", OPTIONS)
    size = page.viewport_size or {}
    found = Audit(
        url=page.url,
        role=role,
        viewport=f"{size.get('width')}×{size.get('height')}",
        violations=result["violations"],
    )
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    with RECORD.open("a", encoding="utf-8") as out:
        row = {
            "url": found.url,
            "role": role,
            "viewport": found.viewport,
            "violations": {v["id"]: [" ".join(map(str, n["target"])) for n in v["nodes"]] for v in found.violations},
        }
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return found


def audit(page, *, role: str) -> Audit:
    """Run axe on the page and fail the test on any violation, naming rule, impact, elements,
    page, role and viewport."""
    found = run(page, role=role)
    if found.violations:
        pytest.fail(found.report(), pytrace=False)
    return found
