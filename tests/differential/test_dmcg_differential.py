"""Our server models against datamodel-code-generator's (DMCG) on the same instances.

For every component schema of the fixture specs and of a bounded sample of the shared
corpus, both model sets validate the same instances (``instances.py``: the spec's own
examples, a built valid value, and one mutation per rule). Where they disagree, the JSON
Schema verdict decides: it must side with our models, and the disagreement must be one
``DMCG_WRONG`` documents (DMCG's models admit what the spec forbids). Any other
disagreement fails: ours is wrong, or a new kind of DMCG error needs its reason written.

DMCG is given the schemas as the models stage sees them (inline schemas hoisted into
components) under our class names, with the options the generator used when DMCG made
its models. ``format: email`` is a plain string for DMCG here (its ``EmailStr`` needs
email-validator, which neither package depends on). Our server models are the strict
flavour (the client's lenient one accepts more on purpose: open enums, no formats).
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.shapes import build_shapes
from apiforge.load.load import LoadOptions, load
from apiforge.models import render_models
from apiforge.naming.names import resolve_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instances import PREFIX, instances, verdict

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures" / "specs").glob("*.yaml"))
SHARED = ROOT.parents[1] / "shared" / "specs"
# A bounded sample of the corpus: polymorphism, edge cases, 3.1, a large real API.
SAMPLE = [
    "readme-oas-examples/3.0/yaml/polymorphism.yaml",
    "openapi-python-client/end_to_end_tests/baseline_openapi_3.0.json",
    "readme-oas-examples/3.1/yaml/train-travel.yaml",
    "redocly-museum/openapi.yaml",
    "oai-examples/examples/v3.0/petstore-expanded.yaml",
    "spotify-web-api/fixed-spotify-open-api.yml",
]

# Where DMCG's models accept what the spec forbids: keyed by the JSON Schema keyword the value breaks.
DMCG_ADMITS = {
    "null": "an optional property that is not nullable: DMCG types it `X | None = None` and accepts an "
    "explicit null (strict_nullable only changes required ones); the server's `_Omittable[X]` rejects it",
    "oneOf": "a oneOf whose members overlap: DMCG's union (and, by design, the server's `_OneOf`: "
    "README) takes a value more than one member accepts; JSON Schema's oneOf rejects it",
    "additionalProperties": "an allOf with a member closed by additionalProperties: false: DMCG merges "
    "the members into a model that ignores undeclared properties; the spec (and the server) rejects them",
    "maxProperties": "an object with properties and maxProperties (minProperties alike): DMCG's "
    "model counts no keys; the server's (`_property_count`) does",
    "format": "a format pydantic does not check by itself (int32/int64 ranges, email): DMCG's field is a "
    "plain int or str; the server checks it (`_Format`, `_Email`)",
}
# Where DMCG's models reject what the spec admits: keyed by DMCG's pydantic error type.
DMCG_REFUSES = {
    "missing": "the tag of a discriminated union's member: DMCG makes it a required Literal even where "
    "the member leaves it optional (Spotify's TrackObject); the spec lets it be omitted",
}

_OPTIONS: dict[str, Any] = {
    "target_python_version": "3.10",
    "field_constraints": True,
    "set_default_enum_member": True,
    "use_subclass_enum": True,
    "strict_nullable": True,
    "use_union_operator": True,
    "use_standard_collections": True,
    "allow_population_by_field_name": True,
    "disable_timestamp": True,
    "formatters": [],
    "read_only_write_only_model_type": "request-response",
}


def _package(name: str, files: dict[str, str]) -> types.ModuleType:
    """Our ``models/`` folder (``{"models/x.py": text}``) written out as package ``name`` and imported."""
    root = Path(tempfile.mkdtemp(prefix="apiforge-differential-"))
    for path, text in files.items():
        target = root / name / path.removeprefix("models/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)  # its modules load through the package's own path
    finally:
        sys.path.remove(str(root))


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102 -- generated code under test
    return module


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """Component $refs (and discriminator mappings) pointed at the class names; email as plain text."""
    if isinstance(node, list):
        return [_renamed(n, names) for n in node]
    if not isinstance(node, dict):
        return node
    result = {
        k: _renamed(v, names)
        for k, v in node.items()
        if not (k == "format" and v in ("email", "idn-email"))
    }
    for key in ("$ref",):
        if isinstance(node.get(key), str) and node[key].startswith(PREFIX):
            target = node[key][len(PREFIX) :].replace("~1", "/").replace("~0", "~")
            result[key] = PREFIX + names.get(target, target)
    mapping = (
        node.get("discriminator", {}).get("mapping")
        if isinstance(node.get("discriminator"), dict)
        else None
    )
    if isinstance(mapping, dict):
        result["discriminator"] = {
            **node["discriminator"],
            "mapping": {
                tag: PREFIX + names[v[len(PREFIX) :]]
                if isinstance(v, str) and v[len(PREFIX) :] in names
                else PREFIX + names[v]
                if v in names
                else v
                for tag, v in mapping.items()
            },
        }
    return result


def _dmcg(schemas: dict[str, Any], names: dict[str, str], name: str) -> types.ModuleType:
    import warnings

    from datamodel_code_generator import InputFileType, generate
    from datamodel_code_generator.enums import DataModelType

    document = {
        "openapi": "3.0.3",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": {names[k]: _renamed(v, names) for k, v in schemas.items()}},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = generate(
            json.dumps(document),
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            **_OPTIONS,
        )
    assert isinstance(text, str)
    if "Field as Field_aliased" in text:  # DMCG's own slip: a RootModel still spells the bare name
        text = text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\nfrom pydantic import Field\n",
            1,
        )
    return _module(name, text)


def _error(cls: Any, value: Any) -> str | None:
    """None when ``cls`` accepts ``value``, else the first pydantic error type."""
    try:
        cls.model_validate_json(json.dumps(value))
    except ValidationError as exc:
        return str(exc.errors()[0]["type"])
    except Exception as exc:  # noqa: BLE001 -- a model that cannot build rejects everything
        return type(exc).__name__
    return None


def _compare(spec: Path, tag: str) -> tuple[list[str], dict[str, int]]:
    sink = Sink()
    loaded = load(spec, sink, LoadOptions())
    assert loaded is not None, [d.message for d in sink]
    api, source = build(loaded.document, sink, str(spec))
    shapes = build_shapes(source.schemas, source.locations, sink)
    names = resolve_names(api, shapes)
    models = render_models(shapes, names, sink)
    if not source.schemas:
        return [], {"compared": 0}
    ours = _package(f"diff_ours_{tag}", models.server_files)
    reference = _dmcg(source.schemas, dict(names.schemas), f"diff_dmcg_{tag}")
    openapi_31 = source.openapi_version.startswith("3.1")
    failures: list[str] = []
    tally = {"compared": 0, "dmcg-wrong": 0, "no-dmcg-class": 0}
    for key in source.schemas:
        name = models.class_for(key, "response")
        ours_cls = getattr(ours, name, None)
        theirs = getattr(reference, name, None) or getattr(reference, names.schemas[key], None)
        if ours_cls is None or not hasattr(theirs, "model_validate_json"):
            tally["no-dmcg-class"] += ours_cls is not None
            continue
        for kind, value in instances(key, source.schemas):
            tally["compared"] += 1
            mine, its = _error(ours_cls, value), _error(theirs, value)
            if (mine is None) == (its is None):
                continue
            spec_says, broken = verdict(key, source.schemas, openapi_31, value)
            if spec_says == (mine is None) and (
                bool(broken & DMCG_ADMITS.keys()) if its is None else its in DMCG_REFUSES
            ):
                tally["dmcg-wrong"] += 1
                continue
            failures.append(
                f"{key} [{kind}] {json.dumps(value)[:200]}: ours {mine or 'accepts'}, "
                f"DMCG {its or 'accepts'}, spec {'accepts' if spec_says else 'rejects: ' + ', '.join(sorted(broken))}"
            )
    return failures, tally


@pytest.mark.parametrize("spec", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_models_agree_with_dmcg(spec: Path) -> None:
    failures, tally = _compare(spec, spec.stem)
    assert not failures, "\n".join(failures[:40])
    assert tally["compared"] > 0 or spec.stem in ("duplicate_operation_ids",), (
        "no component was compared"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "rel", SAMPLE, ids=[Path(p).parent.name + "-" + Path(p).stem for p in SAMPLE]
)
def test_corpus_models_agree_with_dmcg(rel: str) -> None:
    if not (SHARED / rel).is_file():
        pytest.skip("the shared corpus is absent")
    failures, tally = _compare(SHARED / rel, "c" + str(SAMPLE.index(rel)))
    assert not failures, "\n".join(failures[:40])
    assert tally["compared"] > 0
