"""Reserved names: what a minted name must never be, because generated code already uses it.

Part of the naming pass; only :mod:`apiforge.naming` modules read these, except
:data:`WINDOWS_DEVICE_NAMES`, which the package-name check and the writer read too, and
:data:`DEPENDENCY_MODULES`, which the package-name check reads.
"""

from __future__ import annotations

import builtins
import keyword
import sys

# File names Windows reserves in every folder, with or without an extension (upper case).
WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)

# Top-level modules the generated packages import from their dependencies (and theirs): a
# package of that name would be installed over them, or hidden by them (see package_problem).
DEPENDENCY_MODULES = frozenset(
    {
        "annotated_types",
        "anyio",
        "fastapi",
        "h11",
        "httpcore",
        "httpx",
        "pydantic",
        "pydantic_core",
        "starlette",
        "typing_extensions",
    }
)


def package_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a generated package, or None: it must be importable, and not
    be a module the generated code (or Python) imports, which one would hide or overwrite."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return f"{name!r} is not a valid Python package name"
    if name in sys.stdlib_module_names:
        clash = "a standard library module"
    elif name in DEPENDENCY_MODULES:
        clash = "a dependency of the generated code"
    else:
        return None
    return f"{name!r} is {clash}: one would hide or overwrite the other"


# Names the generated modules import or define themselves; a spec name must not shadow them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "BaseModel",
        "ConfigDict",
        "Enum",
        "Field",
        "IntEnum",
        "Literal",
        "RootModel",
        "AwareDatetime",
        "NaiveDatetime",
        "Annotated",
        "Optional",
        "Union",
        "List",
        "Dict",
        "Client",
        "AsyncClient",
        "APIError",
        "Operation",
        "Param",
        "Body",
        "Outcome",
        "date",
        "datetime",
        "time",
        "timedelta",
        "UUID",
        "Decimal",
        "Path",
        "Query",
        "Header",
        "Cookie",
        "Request",
        "Response",
        "Depends",
        "FastAPI",
        "APIRouter",
        "Protocol",
        "TypedDict",
        "Implementations",
        "rt",
        "Mapping",
        "Sequence",
        "Iterator",
        "AsyncIterator",
        "Self",
        "TypeAlias",
        "AnyUrl",
        "AnyHttpUrl",
        "EmailStr",
        "Json",
        "SecretStr",
        "StrictStr",
        "StrictInt",
        "StrictBool",
        "StrictFloat",
        "StrictBytes",
        "Base64Str",
        "Base64Bytes",
        "RootResource",
        "AsyncRootResource",
    }
)


# Names a create_router/create_app scope defines or reads; route functions and
# create_app keywords live there, so they must not shadow any of them.
SERVER_SCOPE = frozenset(
    {
        "request",
        "principal",
        "body",
        "binder",
        "impls",
        "implementation",
        "router",
        "authenticate",
        "middleware",
        "fastapi_kwargs",
        "settings",
        "app",
        "rt",
        "datetime",
        "uuid",
        "builtins",
        "create_app",
        "create_router",
        "self",
        "context",
        "fields",
        "pydantic",
        "fastapi",
    }
) | frozenset(dir(builtins))


RESERVED_METHOD_NAMES = frozenset({"close", "aclose", "with_options"})

# Upper-case names ``client/_client.py`` defines or imports beside the operation constants
# of the operations on ``Client`` itself (templates/client/_client.py.jinja).
CLIENT_MODULE_CONSTANTS = frozenset(
    {"DEFAULT_BASE_URL", "BASE_URL_ENV", "API_KEY_ENV", "SECURITY_SCHEMES", "TYPE_CHECKING"}
)


RESERVED_PARAMS = frozenset(
    {
        "self",
        "request_options",
        "context",
        "body",
        "request",
        "principal",
        "rt",
        "ops",
        "binder",
        "impls",
        "implementation",
        "router",
        "datetime",
        "uuid",
        "httpx",
        "os",
        "typing",
        "Any",
        "Annotated",
        "builtins",
        "fields",
    }
)


# Field names a model must not use: what BaseModel defines, and what the module's annotations spell.
MODEL_ATTRIBUTES = frozenset(
    {
        "schema",
        "json",
        "dict",
        "copy",
        "construct",
        "validate",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "schema_json",
        "update_forward_refs",
        "fields",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "object",
        "None",
        "True",
        "False",
    }
)


# What an enum member must not shadow: Enum's own attributes and str's and int's methods (the bases).
ENUM_ATTRIBUTES = frozenset(
    {"mro", "name", "value"} | {n for n in (*dir(str), *dir(int)) if not n.startswith("_")}
)
