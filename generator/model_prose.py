"""Spec prose kept away from datamodel-code-generator, put back through ``render/escape.py``.

DMCG writes schema descriptions into docstrings with escaping of its own, and a
custom template can place them anywhere. So DMCG never sees prose: the Preparer
(``generator/models.py``) swaps every ``description`` and ``x-enum-descriptions``
entry for a :class:`Prose` token, a word of ASCII letters and digits that no spec
can forge (it carries a digest of the schemas). After DMCG, :meth:`Prose.restore`
reads the module with ``tokenize`` and puts each text back in the form its token
sits in: a triple-double-quoted string gets :func:`escape.docstring`, any other
string is rebuilt with :func:`escape.literal`, a comment gets :func:`escape.comment`.
A token anywhere else (in code) is a generator bug and raises :class:`ProseInCode`.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import tokenize
from dataclasses import dataclass, field
from typing import Any

from generator.render.escape import comment, docstring, literal


class ProseInCode(Exception):
    """Spec text reached generated models outside a string or a comment (a generator bug)."""


@dataclass
class Prose:
    """The texts hidden from DMCG, by token."""

    nonce: str
    texts: list[str] = field(default_factory=list)

    @classmethod
    def for_schemas(cls, schemas: Any) -> Prose:
        """A table whose tokens cannot occur in ``schemas`` (their digest is part of each token)."""
        digest = hashlib.sha256(json.dumps(schemas, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
        return cls("Apiforgeprose" + digest.hexdigest()[:12] + "n")

    def hide(self, text: str) -> str:
        """The token standing for ``text``."""
        self.texts.append(text)
        return f"{self.nonce}{len(self.texts) - 1}x"

    def restore(self, module: str) -> str:
        """``module`` with every token replaced by its text, escaped for where it stands."""
        if self.nonce not in module:
            return module
        starts = [0]
        for line in module.split("\n"):
            starts.append(starts[-1] + len(line) + 1)
        edits: list[tuple[int, int, str]] = []
        for token in tokenize.generate_tokens(io.StringIO(module).readline):
            if self.nonce not in token.string:
                continue
            begin = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            indent = module[starts[token.start[0] - 1]:begin]
            edits.append((begin, end, self._restored(token, " " * (len(indent) - len(indent.lstrip())))))
        for begin, end, text in reversed(edits):
            module = module[:begin] + text + module[end:]
        return module

    def _restored(self, token: tokenize.TokenInfo, indent: str) -> str:
        if token.type == tokenize.COMMENT:
            return "# " + comment(self._swap(token.string.lstrip("#"), lambda text: text))
        if token.type != tokenize.STRING:
            raise ProseInCode(f"spec text in code at line {token.start[0]}: {token.line.strip()!r}")
        quote = token.string.lstrip("rRbBuUfF")
        if quote.startswith('"""') and quote == token.string:
            return self._swap(token.string, lambda text: _indented(docstring(text), indent))
        if quote[:3] in ('"""', "'''") or quote != token.string:
            raise ProseInCode(f"spec text in an unexpected string at line {token.start[0]}: {token.string[:40]!r}")
        value = ast.literal_eval(token.string)
        return literal(self._swap(value, lambda text: text))

    def _swap(self, text: str, escape: Any) -> str:
        """``text`` with each token replaced by ``escape(its text)``."""
        first, *rest = text.split(self.nonce)
        pieces = [first]
        for piece in rest:
            digits = piece[: piece.index("x")]
            pieces += [escape(self.texts[int(digits)]), piece[len(digits) + 1:]]
        return "".join(pieces)


def _indented(text: str, indent: str) -> str:
    """``text`` with every line after the first that holds anything indented by ``indent``."""
    first, *rest = text.split("\n")
    return "\n".join([first, *(indent + line if line.strip() else "" for line in rest)])
