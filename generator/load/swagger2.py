"""Swagger 2.0 -> OpenAPI 3.0.3, on a bundled document (every $ref already local).

What moves where:

- ``definitions`` -> ``components/schemas``; ``parameters`` -> ``components/parameters``
  (body parameters -> ``components/requestBodies``); ``responses`` ->
  ``components/responses``; ``securityDefinitions`` -> ``components/securitySchemes``
  (basic -> http/basic, apiKey as is, oauth2 flows renamed);
- ``host``/``basePath``/``schemes`` -> ``servers``;
- ``in: body`` and ``in: formData`` parameters -> ``requestBody`` (``consumes``, else
  application/json; form data as application/x-www-form-urlencoded, or
  multipart/form-data when asked for or when a file is uploaded);
- other parameters: ``type``/``format``/``items``/limits -> ``schema``, and
  ``collectionFormat`` -> ``style``/``explode``;
- response ``schema`` -> ``content`` for each ``produces`` type (else application/json);
- schemas: ``type: file`` -> binary string, ``x-nullable`` -> ``nullable``, string
  discriminators -> ``{propertyName}``; every ``$ref`` is rewritten.

:func:`convert` returns the new document and a map from its pointers to the
pointers of the Swagger document, so diagnostics can point at the original lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiforge.load import jsonpointer
from apiforge.load.jsonpointer import deep_copy

Warn = Callable[[str, str, str], None]
"""``warn(code, message, pointer_in_swagger_document)``."""

_REF_PREFIXES = (
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
)
_PARAM_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "default",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_STYLES = {
    "csv": {"style": "form", "explode": False},
    "ssv": {"style": "spaceDelimited", "explode": False},
    "pipes": {"style": "pipeDelimited", "explode": False},
    "multi": {"style": "form", "explode": True},
}


def rewrite_ref(ref: str) -> str:
    """A Swagger 2.0 local reference in its OpenAPI 3 form."""
    for old, new in _REF_PREFIXES:
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref


def convert_schema(schema: Any) -> Any:
    """A Swagger 2.0 schema as an OpenAPI 3.0 schema (a new object)."""
    if isinstance(schema, list):
        return [convert_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            result[key] = rewrite_ref(value)
        elif key in ("properties",) and isinstance(value, dict):
            result[key] = {name: convert_schema(sub) for name, sub in value.items()}
        elif key in ("items", "allOf", "anyOf", "oneOf", "not") or (
            key == "additionalProperties" and isinstance(value, dict)
        ):
            result[key] = convert_schema(value)
        elif key == "x-nullable":
            result["nullable"] = value
        elif key == "discriminator" and isinstance(value, str):
            result[key] = {"propertyName": value}
        else:
            result[key] = deep_copy(value)
    if result.get("type") == "file":
        result["type"], result["format"] = "string", "binary"
    return result


class _Converter:
    def __init__(self, swagger: dict[str, Any], warn: Warn) -> None:
        self.swagger = swagger
        self.warn = warn
        self.origins: dict[str, str] = {}
        self.consumes = _media_list(swagger.get("consumes"))
        self.produces = _media_list(swagger.get("produces"))

    def convert(self) -> dict[str, Any]:
        s = self.swagger
        doc: dict[str, Any] = {"openapi": "3.0.3"}
        for key in ("info",):
            if key in s:
                doc[key] = s[key]
        doc["servers"] = self._servers()
        if "host" in s:
            self._map("/servers", "/host")
        for key in ("security", "tags", "externalDocs"):
            if key in s:
                doc[key] = deep_copy(s[key])
        doc["paths"] = self._paths(s.get("paths") or {})
        components = self._components()
        if components:
            doc["components"] = components
        doc.update({k: v for k, v in s.items() if k.startswith("x-")})
        return doc

    def _servers(self) -> list[dict[str, Any]]:
        s = self.swagger
        base_path = s.get("basePath") or ""
        host = s.get("host")
        if not isinstance(host, str) or not host:
            return [{"url": base_path or "/"}]
        schemes = s.get("schemes") or ["https"]
        return [{"url": f"{scheme}://{host}{base_path}"} for scheme in schemes]

    def _components(self) -> dict[str, Any]:
        s = self.swagger
        out: dict[str, Any] = {}
        if isinstance(s.get("definitions"), dict):
            out["schemas"] = {n: convert_schema(v) for n, v in s["definitions"].items()}
            self._map("/components/schemas", "/definitions")
        parameters, bodies = {}, {}
        for name, param in (s.get("parameters") or {}).items():
            old = jsonpointer.join("/parameters", name)
            if isinstance(param, dict) and param.get("in") == "body":
                bodies[name] = self._body(param, self.consumes)
                self._map(jsonpointer.join("/components/requestBodies", name), old)
            elif isinstance(param, dict) and param.get("in") != "formData":
                parameters[name] = self._parameter(param, old)
                self._map(jsonpointer.join("/components/parameters", name), old)
        if parameters:
            out["parameters"] = parameters
        if bodies:
            out["requestBodies"] = bodies
        if isinstance(s.get("responses"), dict):
            out["responses"] = {
                name: self._response(r, self.produces, jsonpointer.join("/responses", name))
                for name, r in s["responses"].items()
            }
            self._map("/components/responses", "/responses")
        if isinstance(s.get("securityDefinitions"), dict):
            out["securitySchemes"] = {
                name: self._security(scheme, jsonpointer.join("/securityDefinitions", name))
                for name, scheme in s["securityDefinitions"].items()
            }
            self._map("/components/securitySchemes", "/securityDefinitions")
        return out

    def _map(self, new: str, old: str) -> None:
        if new != old:
            self.origins[new] = old

    # -- paths ---------------------------------------------------------------------

    def _paths(self, paths: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, item in paths.items():
            if not isinstance(item, dict):
                out[path] = item
                continue
            base = jsonpointer.join("/paths", path)
            shared = self._resolved_params(
                item.get("parameters"), jsonpointer.join(base, "parameters")
            )
            new_item: dict[str, Any] = {}
            for key, value in item.items():
                if key in _METHODS and isinstance(value, dict):
                    new_item[key] = self._operation(value, shared, jsonpointer.join(base, key))
                elif key == "parameters":
                    params = [p for p in shared if p[1].get("in") not in ("body", "formData")]
                    if params:
                        new_item[key] = self._param_list(params, jsonpointer.join(base, key))
                else:
                    new_item[key] = deep_copy(value)
            out[path] = new_item
        return out

    def _resolved_params(self, params: Any, pointer: str) -> list[tuple[str, dict[str, Any], Any]]:
        """(old pointer, resolved parameter, original entry) for each parameter."""
        out = []
        for index, param in enumerate(params if isinstance(params, list) else []):
            old = jsonpointer.join(pointer, index)
            resolved = param
            if isinstance(param, dict) and isinstance(param.get("$ref"), str):
                try:
                    resolved = jsonpointer.resolve(self.swagger, param["$ref"][1:])
                    old = param["$ref"][1:]
                except (LookupError, ValueError):
                    resolved = {}
            if isinstance(resolved, dict):
                out.append((old, resolved, param))
        return out

    def _param_list(self, params: list[tuple[str, dict[str, Any], Any]], pointer: str) -> list[Any]:
        result = []
        for index, (old, resolved, original) in enumerate(params):
            new = jsonpointer.join(pointer, index)
            self._map(new, old)
            if isinstance(original, dict) and "$ref" in original:
                result.append({"$ref": rewrite_ref(original["$ref"])})
            else:
                result.append(self._parameter(resolved, old))
        return result

    def _operation(self, op: dict[str, Any], shared: list[Any], pointer: str) -> dict[str, Any]:
        own = self._resolved_params(op.get("parameters"), jsonpointer.join(pointer, "parameters"))
        names = {(p.get("name"), p.get("in")) for _, p, _ in own}
        inherited = [p for p in shared if (p[1].get("name"), p[1].get("in")) not in names]
        consumes = _media_list(op["consumes"]) if "consumes" in op else self.consumes
        produces = _media_list(op["produces"]) if "produces" in op else self.produces
        out: dict[str, Any] = {}
        for key, value in op.items():
            if key == "parameters":
                plain = [p for p in own if p[1].get("in") not in ("body", "formData")]
                if plain:
                    out[key] = self._param_list(plain, jsonpointer.join(pointer, key))
            elif key == "responses" and isinstance(value, dict):
                out[key] = {
                    code: self._response(r, produces, jsonpointer.join(pointer, "responses", code))
                    for code, r in value.items()
                }
            elif key not in ("consumes", "produces", "schemes"):
                out[key] = deep_copy(value)
        body = self._request_body(
            inherited + own, consumes, jsonpointer.join(pointer, "requestBody")
        )
        if body is not None:
            out["requestBody"] = body
        return out

    def _request_body(self, params: list[Any], consumes: list[str], pointer: str) -> Any:
        bodies = [p for p in params if p[1].get("in") == "body"]
        if bodies:
            old, param, original = bodies[0]
            self._map(pointer, old)
            if isinstance(original, dict) and "$ref" in original:
                ref = original["$ref"].replace("#/parameters/", "#/components/requestBodies/", 1)
                return {"$ref": ref}
            return self._body(param, consumes)
        form = [p for p in params if p[1].get("in") == "formData"]
        if not form:
            return None
        self._map(pointer, form[0][0])
        properties, required = {}, []
        for _, param, _ in form:
            properties[param.get("name", "")] = self._param_schema(param)
            if param.get("required"):
                required.append(param.get("name", ""))
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        has_file = any(p[1].get("type") == "file" for p in form)
        types = [
            t for t in consumes if t in ("multipart/form-data", "application/x-www-form-urlencoded")
        ]
        if not types:
            types = ["multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
        return {
            "content": {t: {"schema": deep_copy(schema)} for t in types},
            "required": bool(required),
        }

    def _body(self, param: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
        schema = convert_schema(param.get("schema", {}))
        body: dict[str, Any] = {
            "content": {t: {"schema": deep_copy(schema)} for t in consumes or ["application/json"]}
        }
        for key in ("description", "required"):
            if key in param:
                body[key] = param[key]
        if "name" in param:
            body["x-codegen-request-body-name"] = param["name"]
        body.update({k: v for k, v in param.items() if k.startswith("x-")})
        return body

    def _parameter(self, param: dict[str, Any], old: str) -> dict[str, Any]:
        out = {
            k: deep_copy(v)
            for k, v in param.items()
            if k not in _PARAM_SCHEMA_KEYS and k != "collectionFormat"
        }
        out["schema"] = self._param_schema(param)
        if param.get("type") == "array":
            fmt = param.get("collectionFormat", "csv")
            if fmt in _STYLES and param.get("in") in ("query", "formData"):
                out.update(_STYLES[fmt])
            elif fmt in ("csv", "multi") or param.get("in") in ("path", "header"):
                out["style"], out["explode"] = "simple", False
            else:
                self.warn(
                    "swagger-2-lossy", f"collectionFormat {fmt!r} has no OpenAPI 3 equivalent", old
                )
        if param.get("in") == "path":
            out["required"] = True
        return out

    def _param_schema(self, param: dict[str, Any]) -> dict[str, Any]:
        schema = {k: param[k] for k in _PARAM_SCHEMA_KEYS if k in param}
        if isinstance(schema.get("items"), dict):
            schema["items"] = self._param_schema(schema["items"])
        converted: dict[str, Any] = convert_schema(schema)
        return converted

    def _response(self, response: Any, produces: list[str], old: str) -> Any:
        if not isinstance(response, dict):
            return response
        if isinstance(response.get("$ref"), str):
            return {"$ref": rewrite_ref(response["$ref"])}
        out: dict[str, Any] = {"description": response.get("description", "")}
        if isinstance(response.get("headers"), dict):
            out["headers"] = {
                name: {
                    **{k: v for k, v in h.items() if k in ("description",) or k.startswith("x-")},
                    "schema": self._param_schema(h),
                }
                for name, h in response["headers"].items()
                if isinstance(h, dict)
            }
        examples = response.get("examples")
        examples = examples if isinstance(examples, dict) else {}
        if "schema" in response:
            schema = convert_schema(response["schema"])
            types = produces or ["application/json"]
            if isinstance(schema, dict) and schema.get("format") == "binary" and not produces:
                types = ["application/octet-stream"]
            out["content"] = {}
            for media_type in types:
                out["content"][media_type] = {"schema": deep_copy(schema)}
                if media_type in examples:
                    out["content"][media_type]["example"] = examples[media_type]
                self._map(
                    jsonpointer.join(_new_pointer(old), "content", media_type, "schema"),
                    jsonpointer.join(old, "schema"),
                )
        out.update({k: v for k, v in response.items() if k.startswith("x-")})
        return out

    def _security(self, scheme: Any, old: str) -> Any:
        if not isinstance(scheme, dict):
            return scheme
        kind = scheme.get("type")
        extras = {k: v for k, v in scheme.items() if k == "description" or k.startswith("x-")}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extras}
        if kind == "apiKey":
            return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extras}
        if kind == "oauth2":
            name, urls = _FLOWS.get(scheme.get("flow", ""), ("implicit", ("authorizationUrl",)))
            flow = {url: scheme.get(url, "") for url in urls}
            flow["scopes"] = scheme.get("scopes") or {}
            return {"type": "oauth2", "flows": {name: flow}, **extras}
        self.warn("swagger-2-lossy", f"unknown security scheme type {kind!r}", old)
        return deep_copy(scheme)


def _new_pointer(old: str) -> str:
    """The OpenAPI 3 pointer of a Swagger 2.0 response container."""
    return "/components" + old if old.startswith("/responses/") else old


def _media_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def convert(swagger: dict[str, Any], warn: Warn) -> tuple[dict[str, Any], dict[str, str]]:
    """Convert a bundled Swagger 2.0 document.

    Returns:
        The OpenAPI 3.0.3 document, and a map from pointer prefixes in it to the
        pointers they came from in ``swagger`` (unlisted prefixes are unchanged).
    """
    converter = _Converter(swagger, warn)
    return converter.convert(), converter.origins
