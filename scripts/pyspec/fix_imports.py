"""Repair source-tree imports in the installed eth-consensus-specs package.

The PyPI wheel of eth-consensus-specs 1.7.0b4 contains a few imports written
against the consensus-specs source tree, e.g.

    from tests.core.pyspec.eth_consensus_specs.test.helpers.churn import ...

which only resolve when running from a checkout of that repository. In the
source tree that path is the very same file as the package module
`eth_consensus_specs.test.helpers.churn`, so rewriting the prefix to the
package name changes nothing but the import path. Idempotent; prints what it
changed.
"""

import pathlib
import re

import eth_consensus_specs

PATTERN = re.compile(r"^(\s*(?:from|import)\s+)tests\.core\.pyspec\.(eth_consensus_specs\b)", re.M)


def main() -> None:
    root = pathlib.Path(eth_consensus_specs.__file__).parent
    changed = 0
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        new, n = PATTERN.subn(r"\1\2", text)
        if n:
            path.write_text(new, encoding="utf-8")
            changed += n
            print(f"fix_imports: {path.relative_to(root.parent)}: {n} import(s) rewritten")
    print(f"fix_imports: {changed} import(s) rewritten")


if __name__ == "__main__":
    main()
