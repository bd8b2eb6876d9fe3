"""Reports as text for people, JSON for machines, a one-line summary, and a CHANGELOG entry.

Text groups changes per generated package (client users, server implementers),
breaking first, each with its Python symbol, rule and both spec locations, and
ends with the version advice. Spec text can reach messages (names, enum
values), so every text line is made terminal-safe.
"""

from __future__ import annotations

import json
from typing import Any

from apiforge.diagnostics import SpecLocation
from apiforge.diff.model import AUDIENCES, Audience, Change, Level, Report
from apiforge.diff.release import next_version
from apiforge.render.escape import markdown_code, markdown_escaped

TITLES: dict[Audience, str] = {"client": "client users", "server": "server implementers"}


def printable(text: str) -> str:
    """``text`` with control characters written as escapes, so a spec cannot drive the terminal."""
    return (
        text
        if text.isprintable()
        else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    )


def sections(report: Report) -> list[tuple[str, Audience]]:
    """(heading, audience) per generated package, or per audience when no package is named."""
    if report.packages:
        return [(name, audience) for name, audience in sorted(report.packages.items())]
    return [(TITLES[a], a) for a in AUDIENCES]


def _where(location: SpecLocation | None) -> str:
    if location is None:
        return "-"
    line = f":{location.line}" if location.line is not None else ""
    return f"{location.file}{line} #{location.pointer or '/'}"


def _change_lines(change: Change) -> list[str]:
    head = f"    {change.symbol}: {change.message} [{change.rule}]"
    lines = [head]
    if change.new_symbol and change.new_symbol != change.symbol:
        lines.append(f"      now: {change.new_symbol}")
    lines.append(f"      old: {_where(change.old)}")
    lines.append(f"      new: {_where(change.new)}")
    return [printable(line) for line in lines]


def render_text(report: Report, versions: dict[str, str] | None = None) -> str:
    """The whole report as text (see the module docstring)."""
    lines = [printable(f"apiforge diff: {report.old} -> {report.new}"), report.summary()]
    for heading, audience in sections(report):
        changes = report.for_audience(audience)
        title = f"{heading} ({TITLES[audience]})" if report.packages else heading
        lines += ["", f"{title}: {len(changes) or 'no'} change{'s' if len(changes) != 1 else ''}"]
        for level in Level:
            chosen = [c for c in changes if c.level is level]
            if chosen:
                lines.append(f"  {level.value} ({len(chosen)})")
                for change in chosen:
                    lines += _change_lines(change)
    lines += ["", "Version advice:"]
    for heading, audience in sections(report):
        lines.append(f"  {heading}: {_advice(report, audience, (versions or {}).get(heading))}")
    return "\n".join(lines) + "\n"


def _advice(report: Report, audience: Audience, version: str | None) -> str:
    bump = report.bump(audience)
    if version is None or bump.value == "none":
        return bump.value
    return f"{bump.value} ({version} -> {next_version(version, bump)})"


def _location(location: SpecLocation | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "pointer": location.pointer}


def as_json(report: Report, versions: dict[str, str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict: counts, and per package its bump and its changes."""
    packages = []
    for heading, audience in sections(report):
        version = (versions or {}).get(heading)
        bump = report.bump(audience)
        packages.append(
            {
                "package": heading if report.packages else None,
                "audience": audience,
                "bump": bump.value,
                "version": version,
                "next_version": next_version(version, bump) if version else None,
                "changes": [
                    {
                        "rule": c.rule,
                        "level": c.level.value,
                        "message": c.message,
                        "symbol": c.symbol,
                        "new_symbol": c.new_symbol or None,
                        "old": _location(c.old),
                        "new": _location(c.new),
                    }
                    for c in report.for_audience(audience)
                ],
            }
        )
    return {
        "old": report.old,
        "new": report.new,
        "summary": report.summary(),
        "counts": {level.value: report.count(level) for level in Level},
        "packages": packages,
    }


def render_json(report: Report, versions: dict[str, str] | None = None) -> str:
    """:func:`as_json` as indented JSON text."""
    return json.dumps(as_json(report, versions), indent=2, ensure_ascii=False)


def one_line(report: Report) -> str:
    """``2 breaking, 5 compatible changes; run apiforge diff for details`` (for ``generate``)."""
    return f"{report.summary()}; run apiforge diff for details"


def changelog_entry(report: Report, audience: Audience, version: str) -> str:
    """A Markdown CHANGELOG section for one package's new version."""

    lines = [f"## {version}", ""]
    changes = report.for_audience(audience)
    if not changes:
        lines.append("- No API changes; documentation regenerated from the updated spec.")
    for level in Level:
        chosen = [c for c in changes if c.level is level]
        if not chosen:
            continue
        lines += [f"### {level.value.capitalize()}", ""]
        for change in chosen:
            lines.append(f"- {markdown_code(change.symbol)}: {markdown_escaped(change.message)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
