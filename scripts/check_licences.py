"""List the licences of ORGraph's installed runtime dependencies; fail on a GPL or AGPL one.

The runtime closure is computed from the installed metadata: the requirements of
`orgraph[all]` (by default), then theirs, recursively, with markers evaluated here. Test-only
tools (the `dev` extra, e.g. PM4Py, which is AGPL) are not part of it. LGPL is allowed:
ORGraph only imports such libraries, which the LGPL permits. Usage:

    python scripts/check_licences.py [--extras all] [--quiet]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = "orgraph"
STRONG_COPYLEFT = re.compile(r"(?<![A-Za-z])A?GPL|Affero|GNU General Public License")
"""GPL, AGPL and their classifier spellings; LGPL and "Lesser General Public" do not match."""


@dataclass(frozen=True)
class Licence:
    """One installed distribution and what its metadata says about its licence."""

    name: str
    version: str
    text: str
    source: str
    """Where the text came from: License-Expression, classifier, License or none."""

    @property
    def copyleft(self) -> bool:
        return is_strong_copyleft(self.text, self.source)


def is_strong_copyleft(text: str, source: str) -> bool:
    """GPL or AGPL (not LGPL). A choice (`A OR B`, or several classifiers) is fine when one
    alternative is not GPL."""
    if source == "License-Expression":
        choices = re.split(r"\s+OR\s+", text.replace("(", " ").replace(")", " "))
    elif source == "classifier":
        choices = text.split(" | ")
    else:
        choices = [text]
    return all(STRONG_COPYLEFT.search(choice) for choice in choices)


def licence_of(dist: metadata.Distribution) -> Licence:
    """The most precise licence statement of a distribution's metadata."""
    meta = dist.metadata
    name, version = meta["Name"], dist.version
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return Licence(name, version, expression, "License-Expression")
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.split("::")[-1].strip() != "OSI Approved"
    ]
    if classifiers:
        return Licence(name, version, " | ".join(classifiers), "classifier")
    field = (meta.get("License") or "").strip()
    if field:
        first = field.splitlines()[0].strip()
        return Licence(name, version, first[:120], "License")
    return Licence(name, version, "unknown", "none")


def runtime_closure(root: str, extras: set[str]) -> dict[str, metadata.Distribution]:
    """Every installed distribution `root[extras]` needs at run time, by canonical name."""
    seen: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset(extras))]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        if (key, wanted) in done:
            continue
        done.add((key, wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement whose marker holds elsewhere, or not installed here
        seen[key] = dist
        for line in dist.requires or []:
            req = Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    seen.pop(canonicalize_name(root), None)
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="all", help="comma-separated extras of orgraph")
    parser.add_argument("--quiet", action="store_true", help="print only the offenders")
    args = parser.parse_args(argv)
    extras = {e.strip() for e in args.extras.split(",") if e.strip()}
    closure = runtime_closure(ROOT, extras)
    if not closure:
        print(f"error: {ROOT} is not installed in this environment", file=sys.stderr)
        return 2
    licences = sorted((licence_of(d) for d in closure.values()), key=lambda x: x.name.lower())
    bad = [lic for lic in licences if lic.copyleft]
    if not args.quiet:
        for lic in licences:
            mark = "GPL!" if lic.copyleft else "ok"
            print(f"{mark:4} {lic.name} {lic.version}: {lic.text} ({lic.source})")
    unknown = sum(1 for lic in licences if lic.source == "none")
    print(
        f"licences of {len(licences)} runtime dependencies of {ROOT}[{','.join(sorted(extras))}]: "
        f"{len(bad)} GPL/AGPL, {unknown} without licence metadata (LGPL is allowed)",
        file=sys.stderr,
    )
    for lic in bad:
        print(f"error: {lic.name} {lic.version} is {lic.text} ({lic.source})", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
