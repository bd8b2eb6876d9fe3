"""The warning and information codes a spec can cause, each with what it means.

This table is what ``ignore-warnings`` (``--ignore-warning``) accepts and what
``docs/diagnostics.md`` lists. Errors are not here: they cannot be ignored.
``tests/diagnostics/test_codes.py`` keeps it equal to the codes the generator reports at
these severities. Standard library only: the configuration imports it.
"""

from __future__ import annotations

from collections.abc import Iterable

WARNING_CODES: dict[str, str] = {
    "body-on-bodiless-status": "a status HTTP sends without a body documents content; "
    "it is ignored",
    "callbacks-ignored": "an operation's callbacks are not generated",
    "content-encoding-kept": "a contentEncoding value stays the encoded string",
    "contradictory-bounds": "a schema's bounds leave no value (minimum above maximum, "
    "minLength above maxLength...): the generated code rejects every value",
    "converted-swagger-2": "(information) the spec is Swagger 2.0 and was converted to OpenAPI 3.0",
    "default-dropped": "a default that does not fit its schema is left out",
    "default-not-in-enum": "a default is not one of its enum's values",
    "duplicate-header-parameter": "header parameters whose names differ only in case name one "
    "header; the later one is kept",
    "duplicate-operation-id": "an operationId is used twice; the second one is numbered",
    "empty-request-body": "a requestBody has no content; it is ignored",
    "enum-duplicate-value": "an enum lists a value twice; it becomes one member",
    "ignored-header-parameter": "an Accept, Content-Type or Authorization header parameter "
    "is ignored, as OpenAPI 3.x requires",
    "invalid-header-name": "a header parameter whose name no HTTP header can have (a space...) "
    "is ignored",
    "invalid-path-template": "a path template is malformed; its text is kept literally",
    "invalid-spec": "the spec breaks the OpenAPI schema in a way generation can work around",
    "missing-operation-id": "an operation has no operationId; its name comes from "
    "the method and path",
    "missing-path-parameter": "a path template names an undeclared parameter; "
    "it is taken as a string",
    "no-responses": "an operation documents no response",
    "one-of-overlap": "oneOf members can match the same value, so the server cannot tell which one it is",
    "parameter-without-schema": "a parameter has neither schema nor content; "
    "it is taken as a string",
    "part-content-type-ignored": "a multipart part holding an object names a contentType "
    "that is not JSON; it is sent and read as JSON",
    "part-headers-ignored": "a multipart part's headers (its Encoding Object's) are neither "
    "sent nor read",
    "pattern-dropped": "a pattern no regular expression engine of pydantic compiles is not checked",
    "prefix-items-loose": "prefixItems (a tuple) is typed as a list: positions and length "
    "are not checked",
    "property-never-allowed": "a property another allOf member closes out is left out",
    "ref-siblings-ignored": "keywords beside a $ref are not applied",
    "schema-dialect": "a $schema other than JSON Schema 2020-12 is read as 2020-12",
    "servers-ignored": "a path item or operation names servers of its own; the client "
    "sends it to the client's base URL",
    "server-body-keyword": "a request body keyword the server cannot enforce",
    "server-parameter-keyword": "a parameter keyword the server cannot enforce",
    "server-raw-body": "the server hands a body it cannot take apart to the implementation "
    "as bytes",
    "swagger-2-lossy": "a Swagger 2.0 feature has no OpenAPI 3 equivalent",
    "transport-header-parameter": "a header parameter HTTP sets itself (Content-Length, Host, "
    "Transfer-Encoding...) is ignored",
    "undeclared-security-scheme": "a security requirement names a scheme "
    "components/securitySchemes does not declare",
    "unknown-type": "a type that is not a JSON Schema type is taken as Any",
    "unsupported-media-type": "a media type whose body is not decoded with its schema",
    "unsupported-schema-keyword": "a JSON Schema keyword the models do not enforce",
    "unsupported-security": "a security scheme the generated code does not support is ignored",
    "unused-path-parameter": "a declared path parameter is not in the path; it is ignored",
    "webhooks-ignored": "the spec's webhooks are not generated",
    "yaml-tag": "a YAML tag is ignored",
}

RETIRED_CODES: dict[str, str] = {
    "client-parameter-clash": "the client takes every parameter of an operation, same-named "
    "ones in different places included",
}
"""Codes apiforge no longer reports, and why: still accepted (ignoring them is a no-op), so
a configuration written for an older version keeps working."""


OUTPUT_CODES: dict[str, str] = {
    "untracked-file": "a file in a generated package that no manifest names (check, "
    "the build hook)",
    "requires-python-too-low": "the project's requires-python admits a Python older than "
    "the generated packages run on (3.10); the wheel installs there and fails on import "
    "(the build hook)",
}
"""Warnings about the output folder or the project built around it rather than the spec;
ignorable like the others."""


def unknown_code_message(code: str) -> str | None:
    """Why ``code`` cannot be ignored, or None when it can (a retired code included)."""
    if code in WARNING_CODES or code in OUTPUT_CODES or code in RETIRED_CODES:
        return None
    import difflib  # only for a code that is wrong: not on the no-op path

    close = difflib.get_close_matches(code, [*WARNING_CODES, *OUTPUT_CODES], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"{code!r} is not a warning apiforge reports{hint}; "
        "errors cannot be ignored (the codes are listed in docs/diagnostics.md)"
    )


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """Why each of ``codes`` that cannot be ignored cannot be (see :func:`unknown_code_message`)."""
    return [problem for problem in map(unknown_code_message, codes) if problem is not None]
