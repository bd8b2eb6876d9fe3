"""Client operation views: one IR operation -> its ``rt.Operation`` constant and method parts.

Everything here is a finished string or a boolean: the constant's whole assignment,
the method's arguments with their annotations and docs, the return annotation.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from apiforge.ir.model import (
    Content,
    Operation,
    Parameter,
    TypeRef,
    page_results,
    preferred_request,
    sent_range,
)
from apiforge.ir.parts import json_form_fields
from apiforge.naming.names import CONTENT_TYPE_KEY, Names
from apiforge.naming.words import unique
from apiforge.render.common import (
    ArgView,
    BodyView,
    OutcomeView,
    body_view,
    ordered_params,
    response_outcomes,
    summary_line,
    text_alternatives_by_status,
    union,
)
from apiforge.render.escape import docstring, literal
from apiforge.render.types import Annotator


@dataclass(frozen=True)
class ClientOpView:
    """One operation: its runtime constant and what its methods are made of."""

    const: str
    method: str
    operation_def: str  # the constant's whole (annotated) assignment of its rt.Operation(...)
    return_annotation: str
    positional: list[ArgView]
    keyword: list[ArgView]
    body: BodyView | None
    summary: str
    description: str
    deprecated: bool
    doc_body: bool  # more than the summary line: description, Args or a deprecation note
    paginated: bool
    all_method: str
    item_annotation: str
    text_replies: bool  # some response is a string under ``*/*``, read as text when sent so
    text_alternatives: bool  # some status documents text beside JSON, returned as a str
    # The argument naming the media type a body of a range (``image/*``) is sent as; "" without.
    content_type_arg: str = ""
    content_type_doc: str = ""  # its docstring line: the range, escaped
    content_type_annotation: str = "str | None"  # qualified where a method shadows ``str``

    @property
    def args(self) -> list[ArgView]:
        """Path parameters first, then the others: the order of the argument dict and the docs."""
        return self.positional + self.keyword

    @property
    def documented(self) -> list[ArgView]:
        """The arguments the docstring's Args describe: those the spec says something about."""
        return [a for a in self.args if a.description]

    @property
    def body_arg(self) -> str:
        """What the method passes on as the body: ``body`` (with the media type it is sent
        as, where the caller names it) or ``None``."""
        arg = self.content_type_arg
        if arg:  # named to the runtime (for its errors) when it is not the usual one
            named = f", {literal(arg)}" if arg != "content_type" else ""
            return f"rt.typed_body(body, {arg}{named})"
        return "body" if self.body else "None"


def op_view(op: Operation, names: Names, annotator: Annotator) -> ClientOpView:
    """The view of ``op``; its annotations' imports are noted on ``annotator`` (its module's)."""
    op_names = names.operations[op.operation_id]
    positional: list[ArgView] = []
    keyword: list[ArgView] = []
    params: list[str] = []
    keys = {param.name for param in op.parameters}  # the argument dict's keys, taken
    sent: set[str] = set()
    for param, py in ordered_params(op, op_names):
        # Arguments are passed keyed by wire name; one named like an earlier parameter
        # (a query ``id`` beside the path's ``id``) gets a key of its own (rt.Param.key).
        key = unique(f"{param.location}:{param.name}", keys) if param.name in sent else None
        sent.add(param.name)
        param_expr = _param_expr(param, key)
        annotation = annotator.spell(param.type, "param")
        arg = ArgView(
            py,
            literal(param.name if key is None else key),
            param.location,
            annotation,
            param.required,
            docstring(param.description or _undocumented(param, py, annotation, annotator)),
            param_expr,
        )
        (positional if param.location == "path" else keyword).append(arg)
        params.append(param_expr)
    body = body_view(op, annotator, use_dict=True)
    outcomes = response_outcomes(op, annotator, replies_to_head=True)
    success = [o for o in outcomes if o.is_success]
    errors = [o for o in outcomes if not o.is_success]
    texts = _text_types(op, outcomes)
    returned = [r for o in success for r in (o.returned, *(["str"] if o.code in texts else []))]
    returns = annotator.note(union(returned) if success else "None")
    page = page_results(annotator.api, op)
    item = _page_item(page.item, annotator) if page is not None else None
    accept = _accept(success)
    # Arguments equal to rt.Operation's defaults are left out (no ``errors={}`` on every call).
    optional = [
        ("params=(" + ", ".join(params) + ("," if len(params) == 1 else "") + ")", bool(params)),
        (_call("body=rt.Body", body.media_type, *_body_options(op)) if body else "", bool(body)),
        (_outcomes("responses=", success, texts), bool(success)),
        (_outcomes("errors=", errors, texts), bool(errors)),
        (f"accept={literal(accept)}", bool(accept)),
        (f"security={_security(op)}", any(op.security_alternatives)),
        ("deprecated=True", op.deprecated),
    ]
    expr = _call(
        "rt.Operation",
        literal(op.operation_id),
        literal(op.method),
        literal(op.path),
        *(argument for argument, given in optional if given),
    )
    description = docstring(
        op.description if op.summary else "\n".join(op.description.splitlines()[1:])
    )
    return ClientOpView(
        const=op_names.constant,
        method=op_names.method,
        operation_def=f"{op_names.constant}: rt.Operation[{returns}] = {expr}",
        return_annotation=returns,
        positional=positional,
        keyword=keyword,
        body=body,
        summary=docstring(summary_line(op)),
        description=description,
        deprecated=op.deprecated,
        doc_body=bool(
            description or any(a.description for a in positional + keyword) or body or op.deprecated
        ),
        paginated=item is not None,
        all_method=op_names.all_method or "",
        item_annotation=item or "",
        text_replies=any(o.text for o in outcomes),
        text_alternatives=bool(texts),
        content_type_arg=op_names.params.get(CONTENT_TYPE_KEY, ""),
        content_type_doc=_content_type_doc(op, op_names.params.get(CONTENT_TYPE_KEY, "")),
    )


def _content_type_doc(op: Operation, arg: str) -> str:
    """What the ``content_type`` argument ``arg`` is (the body's media type is a range), or ""."""
    if op.body is None or not sent_range(op.body):
        return ""
    media_type = preferred_request(op.body.contents).media_type
    text = (
        f"the media type the body is sent as, within ``{media_type}``; by default "
        "a file's by its name, else the range's usual one."
    )
    # Wrapped to 96 columns as it stands: after ``<arg>: `` in Args, continued 16 deep.
    first = " " * (14 + len(arg))
    wrapped = textwrap.fill(text, 96, initial_indent=first, subsequent_indent=" " * 16)
    return docstring(wrapped.lstrip())


def _page_item(item: TypeRef | None, annotator: Annotator) -> str:
    """The type ``*_all`` yields: a page's ``results`` item, as the page model holds it.

    The members of a union component (``Cat | Dog``), as the model's field unwraps them,
    not its RootModel (``Pet``), which would wrap every item again.
    """
    members = annotator.members(item, "response")
    return annotator.note(members) if members else annotator.spell(item, "response")


def _undocumented(param: Parameter, py: str, annotation: str, annotator: Annotator) -> str:
    """What the spec does say about a parameter it does not describe; "" when nothing.

    The allowed values, the server's default, the schema's constraints, and the wire
    name when the Python name differs. Nothing to say leaves the parameter out of the
    docstring's Args: its name and annotation already say as much as a placeholder.
    """
    schema = (
        annotator.api.schemas.get(param.type.model or "") if param.type.kind == "model" else None
    )
    said = []
    if schema is not None and schema.kind == "enum" and schema.enum_values:
        values = ", ".join(literal(v) for v in schema.enum_values[:8]) + (
            ", ..." if len(schema.enum_values) > 8 else ""
        )
        said.append(f"One of {values}.")
    if param.default:
        said.append(f"The server's default is {literal(param.default[0])}.")
    limits = _limits(dict(param.keywords), plain_string=annotation.startswith("str"))
    if limits:
        said.append(limits[0].upper() + limits[1:] + ".")
    if param.name != py:
        said.append(f"Sent as the {param.location} parameter ``{param.name}``.")
    return " ".join(said)


def _limits(keywords: dict[str, object], plain_string: bool) -> str:
    """``at least 1, at most 100``: the schema's validation keywords in words."""
    said = []
    exclusive_min = keywords.get("exclusiveMinimum")
    exclusive_max = keywords.get("exclusiveMaximum")
    if "minimum" in keywords:
        word = "greater than" if exclusive_min is True else "at least"
        said.append(f"{word} {literal(keywords['minimum'])}")
    if "maximum" in keywords:
        word = "less than" if exclusive_max is True else "at most"
        said.append(f"{word} {literal(keywords['maximum'])}")
    if not isinstance(exclusive_min, bool) and exclusive_min is not None:
        said.append(f"greater than {literal(exclusive_min)}")
    if not isinstance(exclusive_max, bool) and exclusive_max is not None:
        said.append(f"less than {literal(exclusive_max)}")
    if "multipleOf" in keywords:
        said.append(f"a multiple of {literal(keywords['multipleOf'])}")
    for key, unit, word in (
        ("minLength", "characters", "at least"),
        ("maxLength", "characters", "at most"),
        ("minItems", "items", "at least"),
        ("maxItems", "items", "at most"),
    ):
        if key in keywords:
            said.append(f"{word} {literal(keywords[key])} {unit}")
    if "pattern" in keywords:
        said.append(f"matching {literal(keywords['pattern'])}")
    if plain_string and "format" in keywords:
        said.append(f"format {literal(keywords['format'])}")
    return ", ".join(said)


def _call(head: str, *items: str) -> str:
    """``head(item, ...)`` on one line; the format stage lays it out."""
    return f"{head}({', '.join(items)})"


def _security(op: Operation) -> str:
    """The operation's security alternatives as scheme names (``()`` for ``{}``), in spec order,
    each once: alternatives that differ only in OAuth scopes are one to the client."""
    names = (tuple(r.scheme for r in alt) for alt in op.security_alternatives)
    return literal(tuple(dict.fromkeys(names)))


def _sends_null(op: Operation, content: Content) -> bool:
    """A required JSON body whose schema admits null: the caller's ``None`` is sent as ``null``."""
    nullable = content.type is not None and content.type.nullable
    return op.body is not None and op.body.required and content.kind == "json" and nullable


def _body_options(op: Operation) -> list[str]:
    """``rt.Body``'s options: ``null=True`` for a required JSON body that admits null,
    ``encoding=(...)``: the form body's Encoding Object with OpenAPI's defaults applied,
    and ``part_types=(...)``: a multipart body's part media types, or the form fields sent
    as JSON text (``ir.parts.json_form_fields``); or nothing."""
    content = preferred_request(op.body.contents) if op.body else None
    if content is not None and _sends_null(op, content):
        return ["null=True"]
    if content is not None and content.kind == "multipart" and content.part_types:
        return [f"part_types={literal(content.part_types)}"]
    if content is None or content.kind != "form":
        return []
    resolved = [
        (name, style or "form", explode if explode is not None else (style or "form") == "form")
        for name, style, explode in content.encoding
    ]
    as_json = json_form_fields(content)
    return [
        *([f"encoding={literal(tuple(resolved))}"] if resolved else []),
        *([f"part_types={literal(as_json)}"] if as_json else []),
    ]


def _param_expr(param: Parameter, key: str | None) -> str:
    """``rt.Param(name, location, ...)``: how the runtime encodes the parameter, and its
    key in the arguments when not its name."""
    extra = []
    if param.style is not None:
        extra.append(f"style={literal(param.style)}")
    if param.explode is not None:
        extra.append(f"explode={literal(param.explode)}")
    if param.required:
        extra.append("required=True")
    if param.allow_reserved:
        extra.append("allow_reserved=True")
    if key is not None:
        extra.append(f"key={literal(key)}")
    return _call("rt.Param", literal(param.name), literal(param.location), *extra)


def _accept(success: list[OutcomeView]) -> str:
    """The ``Accept`` header for JSON success bodies of other types than ``application/json``.

    "" when that is all they are (the runtime's default) or when some success body is not
    JSON (no ``Accept`` is sent then). A wildcard (``*/*`` with a schema) reads as JSON,
    so it asks for ``application/json``, unless its schema is a string: that may come as
    text, which is what such servers send when asked for ``*/*`` (Spring sends a bare
    string labelled JSON when asked for JSON).
    """
    bodies = [o for o in success if o.kind != "empty"]
    if not bodies or any(o.kind != "json" or o.text for o in bodies):
        return ""
    wanted: list[str] = []
    for outcome in bodies:
        media = outcome.media_type or "application/json"
        if "*" in media or media.split(";", 1)[0].strip().lower() == "application/json":
            media = "application/json"
        if media not in wanted:
            wanted.append(media)
    return "" if wanted == ["application/json"] else ", ".join(wanted)


def _text_types(op: Operation, outcomes: list[OutcomeView]) -> dict[str, tuple[str, ...]]:
    """The text media types each status offers beside JSON, by essence
    (:func:`text_alternatives_by_status`): a reply of one is returned as its text, a ``str``."""
    return {
        code: tuple(dict.fromkeys(content.essence for content in contents))
        for code, contents in text_alternatives_by_status(op, outcomes).items()
    }


def _outcomes(head: str, outcomes: list[OutcomeView], texts: dict[str, tuple[str, ...]]) -> str:
    """``{status: rt.Outcome(...), ...}``."""
    return head + "{" + ", ".join(_outcome(o, texts.get(o.code, ())) for o in outcomes) + "}"


def _outcome(outcome: OutcomeView, text_types: tuple[str, ...]) -> str:
    if outcome.kind == "json":
        # A RootModel's root (the member), or the roots of a list's or dict's RootModels.
        how = {"root": "unwrap=True", "items": 'unwrap="items"', "values": 'unwrap="values"'}
        unwrap = (how[outcome.unwrap],) if outcome.value else ()
        text = ("text=True",) if outcome.text else ()
        alternatives = (f"text_types={literal(text_types)}",) if text_types else ()
        return _call(
            f"{literal(outcome.code)}: rt.Outcome",
            '"json"',
            outcome.annotation,
            *unwrap,
            *text,
            *alternatives,
        )
    return _call(f"{literal(outcome.code)}: rt.Outcome", literal(outcome.kind))
