"""Views shared by the client and the server: the operation facts both targets spell out.

A view is a frozen dataclass holding finished strings (annotations, ``literal()``
literals, escaped docstrings) and precomputed booleans, so templates only loop,
branch and interpolate.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from apiforge.ir.media import outcome_kind, reads_text, text_alternatives
from apiforge.ir.model import Api, Content, Operation, Parameter, Response
from apiforge.naming.names import Names, OperationNames, param_key
from apiforge.naming.reserved import WINDOWS_DEVICE_NAMES, package_name_problem
from apiforge.naming.words import PyName, ascii_text
from apiforge.render.escape import docstring, literal
from apiforge.render.types import (
    Annotator,
    Unwrap,
    body_kind,
    pick_body,
    pick_content,
    qualified,
)

_BUILTIN_TYPES = ("list", "dict", "str", "int", "float", "bool", "bytes")


def shadows(methods: set[str]) -> bool:
    """Whether one of ``methods`` shadows a builtin type an annotation may name (``def list``)."""
    return not methods.isdisjoint(_BUILTIN_TYPES)


def unshadow(annotation: str, methods: set[str]) -> str:
    """Qualify builtin type names that a method of the same class shadows (``def list``)."""
    shadowed = frozenset(name for name in _BUILTIN_TYPES if name in methods)
    return qualified(annotation, shadowed) if shadowed else annotation


_RELEASE = re.compile(r"\d+(\.\d+)*")


def package_version(spec_version: str) -> str:
    """The generated package's version: the spec's ``info.version`` when it is a plain release
    number (a valid PEP 440 version), else ``0.1.0``."""
    return spec_version if _RELEASE.fullmatch(spec_version) else "0.1.0"


def distribution_name(package: str, fallback: str) -> str:
    """The generated project's name on a package index: ``_acme_pets_`` -> ``acme-pets``.

    A distribution name is ASCII letters and digits joined by ``-`` that starts and ends
    with one of them (PEP 508); a package name may also start or end with ``_`` or be
    non-ASCII (``café`` -> ``cafe``). ``fallback`` names one with no ASCII letter or digit.
    """
    kept = "".join(c if c.isascii() and c.isalnum() else " " for c in ascii_text(package))
    return "-".join(kept.split()) or fallback


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be a generated package (it names directories in the output), or None.

    A package name must be an importable identifier, which also rules out path
    separators, ``..``, NUL and absolute paths; Windows device names are refused
    because a directory called ``con`` cannot be created there, and the names of the
    standard library's and the dependencies' modules because ``import json`` or
    ``import httpx`` would then find one package and not the other.
    """
    problem = package_name_problem(name)  # what the flags and the configuration check too
    if problem is None and name.upper() in WINDOWS_DEVICE_NAMES:
        return f"package name {literal(name)} is a reserved device name on Windows"
    return problem


@dataclass(frozen=True)
class ArgView:
    """One argument of a generated method or route."""

    py_name: str
    wire_name: str  # literal() of the spec's name (the client's key in a call's arguments)
    location: str
    annotation: str
    required: bool
    description: str
    param_expr: str  # the runtime Param(...) literal (client) / FastAPI marker (server)
    default: str = "None"  # python expression of the default of an optional argument

    @property
    def optional(self) -> str:
        """The annotation of the argument when it may be left out (``X | None``)."""
        return union([self.annotation, "None"])

    @property
    def declared(self) -> str:
        """The annotation a signature declares: :attr:`annotation` if required, else :attr:`optional`."""
        return self.annotation if self.required else self.optional


@dataclass(frozen=True)
class BodyView:
    """The request body a generated method takes."""

    annotation: str
    required: bool
    media_type: str  # literal()
    kind: str  # json, form, multipart, text, binary
    is_json: bool
    media_doc: str  # the media type, escaped for a docstring
    value: str = ""  # what a server implementation receives, when not ``annotation``: see below
    unwrap: Unwrap = "root"  # how ``value`` is taken from the validated body, where it differs

    @property
    def optional(self) -> str:
        """The annotation of the body when it may be left out (``X | None``)."""
        return union([self.annotation, "None"])

    @property
    def declared(self) -> str:
        """The annotation a signature declares: :attr:`annotation` if required, else :attr:`optional`."""
        return self.annotation if self.required else self.optional

    @property
    def value_declared(self) -> str:
        """What the interface method declares: :attr:`declared`, or the members a RootModel body unwraps to.

        A body typed with a union of models is validated by its RootModel (:attr:`annotation`)
        and passed on as its ``root`` (:attr:`passed`): ``Cat | Dog``, not ``Pet``.
        """
        if not self.value:
            return self.declared
        return self.value if self.required else union([self.value, "None"])

    @property
    def passed(self) -> str:
        """The expression a route passes the validated ``body`` on as (its ``root`` where it unwraps)."""
        if not self.value:
            return "body"
        taken = {
            "root": "body.root",
            "items": "[item.root for item in body]",
            "values": "{key: item.root for key, item in body.items()}",
        }[self.unwrap]
        return taken if self.required else f"None if body is None else {taken}"


@dataclass(frozen=True)
class OutcomeView:
    """One documented response as the runtime reads it."""

    status: str  # literal()
    status_code: int  # numeric status for routes; 200 for ranges/default
    kind: str  # json, bytes, text, empty
    annotation: str  # python type of the body ("None" when empty)
    media_type: str | None
    is_success: bool
    description: str  # literal()
    code: str = ""  # the status as the spec spells it ("200", "4XX", "default")
    value: str = ""  # the members a RootModel ``annotation`` unwraps to (``Cat | Dog``), if it does
    unwrap: Unwrap = "root"  # or a list/dict of such RootModels unwraps to (``list[Cat | Dog]``)
    text: bool = False  # a string under a wildcard media type: a text/* reply is the value
    is_any: bool = False  # a JSON body whose type is spelt ``Any`` (no schema narrows it)

    @property
    def returned(self) -> str:
        """The type of the value a client method returns and a server implementation gives back."""
        return self.value or self.annotation


def response_outcomes(
    op: Operation, annotator: Annotator, *, replies_to_head: bool = False
) -> list[OutcomeView]:
    """Every documented response of ``op``, with the python type of its body.

    ``replies_to_head``: read the responses as answers to a ``HEAD`` request when ``op``
    is one, which never carry a body (RFC 9110), whatever content the spec documents
    (often the ``GET``'s, whose headers a ``HEAD`` reply repeats): every outcome is empty.
    """
    views = []
    success = op.success_responses
    bodiless = replies_to_head and op.method == "HEAD"
    for response in op.responses:
        content = None if bodiless else pick_content(response.contents)
        kind = outcome_kind(content)
        value = ""
        unwrap: Unwrap = "root"
        is_any = False
        if kind == "json" and content is not None:
            annotation = annotator.spell(content.type, "response")
            is_any = annotator.spells_any(content.type)
            value = annotator.members(content.type, "response") or ""
            items = annotator.item_members(content.type, "response")
            if items is not None:
                value, unwrap = _container(items), items[1]
        else:
            annotation = {"bytes": "bytes", "text": "str", "empty": "None"}[kind]
        views.append(
            OutcomeView(
                status=literal(response.status),
                code=response.status,
                status_code=_numeric(response),
                kind=kind,
                annotation=annotation,
                media_type=content.media_type if content is not None else None,
                is_success=response in success,
                description=literal(response.description or response.status),
                value=value,
                unwrap=unwrap,
                text=reads_text(content, annotator.api),
                is_any=is_any,
            )
        )
    return views


def text_alternatives_by_status(
    op: Operation, outcomes: list[OutcomeView]
) -> dict[str, tuple[Content, ...]]:
    """:func:`apiforge.ir.media.text_alternatives` by status, for the statuses a method reads
    as a JSON body other than ``Any`` (a ``HEAD`` reply has none)."""
    texts = {}
    for response, outcome in zip(op.responses, outcomes):
        found = () if outcome.kind != "json" or outcome.is_any else text_alternatives(response)
        if found:
            texts[outcome.code] = found
    return texts


def _container(items: tuple[str, Unwrap]) -> str:
    """``list[Cat | Dog]`` or ``dict[str, Cat | Dog]`` from :meth:`Annotator.item_members`."""
    members, unwrap = items
    return f"list[{members}]" if unwrap == "items" else f"dict[str, {members}]"


def _numeric(response: Response) -> int:
    status = response.status
    if status.isdigit():
        return int(status)
    if status[:1].isdigit():
        return int(status[0]) * 100
    return 200


def union(annotations: list[str]) -> str:
    """``A | B`` without repeats, in order, ``None`` last; ``None`` for an empty list."""
    seen: list[str] = []
    for text in annotations:
        for part in _members(text):
            if part not in seen:
                seen.append(part)
    if "None" in seen:
        seen = [p for p in seen if p != "None"] + ["None"]
    return " | ".join(seen) or "None"


@functools.lru_cache(maxsize=4096)  # a pure function of the text: annotations recur
def _members(annotation: str) -> tuple[str, ...]:
    """The top-level members of a union annotation (``list[A | B] | C`` -> two)."""
    if "[" not in annotation and "]" not in annotation:  # no nesting: a split does
        return tuple(p for p in (part.strip() for part in annotation.split("|")) if p)
    parts, depth, start = [], 0, 0
    for i, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    parts.append(annotation[start:].strip())
    return tuple(p for p in parts if p)


def body_view(op: Operation, annotator: Annotator, use_dict: bool) -> BodyView | None:
    """The body argument of ``op``: its annotation and how it is encoded."""
    if op.body is None:
        return None
    content = pick_body(op.body.contents)
    kind = body_kind(content.media_type)
    value = ""
    unwrap: Unwrap = "root"
    if kind in ("json", "form", "multipart") and content.type is not None:
        annotation = annotator.spell(content.type, "request")
        members = annotator.members(content.type, "request") if kind == "json" else None
        items = annotator.item_members(content.type, "request") if kind == "json" else None
        if use_dict and content.type.kind == "model":
            # A client also takes the member of a union (``Cat | Dog | Pet``), sent as is.
            annotation = union([*([members] if members else []), annotation, "dict[str, Any]"])
            annotator.typing.add("Any")
        elif use_dict and items is not None:
            # ... and so does each item of a list or dict of them (``list[Cat | Dog | Pet]``).
            item = annotator.spell(content.type.item, "request")
            annotation = _container((union([items[0], item]), items[1]))
        elif items is not None:
            value, unwrap = _container(items), items[1]
        else:
            value = members or ""
    elif kind == "text":
        annotation = "str"
    elif kind == "json":
        annotation = annotator.spell(None, "request")
    elif kind in ("form", "multipart"):
        annotation = "dict[str, Any]"  # no schema: any fields
        annotator.typing.add("Any")
    elif use_dict:  # the client also sends a binary file (read as it is sent)
        annotation = "bytes | typing.IO[bytes]"  # qualified: a schema may be named IO
        annotator.modules.add("typing")
    else:
        annotation = "bytes"
    return BodyView(
        annotation,
        op.body.required,
        literal(content.media_type),
        kind,
        kind == "json",
        docstring(content.media_type),
        value,
        unwrap,
    )


def ordered_params(op: Operation, names: OperationNames) -> list[tuple[Parameter, PyName]]:
    """Path parameters first (in path order), then required, then optional ones."""

    def order(param: Parameter) -> tuple[int, int]:
        if param.location == "path":
            return (0, op.path.find("{" + param.name + "}"))
        return (1 if param.required else 2, 0)

    params = sorted(op.parameters, key=order)
    return [(p, names.params[param_key(p.location, p.name)]) for p in params]


def summary_line(op: Operation) -> str:
    """The first line of an operation's docstring."""
    first = (op.summary or op.description or op.operation_id).strip().splitlines()
    return first[0] if first else op.operation_id


def resource_groups(api: Api, names: Names) -> dict[tuple[PyName, ...], list[Operation]]:
    """Operations grouped by resource chain, in spec order."""
    groups: dict[tuple[PyName, ...], list[Operation]] = {}
    for op in api.operations:
        groups.setdefault(names.operations[op.operation_id].resource, []).append(op)
    return groups


def unshadow_args(args: list[ArgView], methods: set[str]) -> list[ArgView]:
    """:func:`unshadow` applied to every argument's annotation."""
    if not shadows(methods):  # nothing to qualify: spare the copies
        return list(args)
    return [replace(a, annotation=unshadow(a.annotation, methods)) for a in args]


def unshadow_body(body: BodyView | None, methods: set[str]) -> BodyView | None:
    """:func:`unshadow` applied to a body's annotation."""
    if body is None or not shadows(methods):
        return body
    return replace(
        body,
        annotation=unshadow(body.annotation, methods),
        value=unshadow(body.value, methods) if body.value else "",
    )
