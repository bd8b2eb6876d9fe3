"""Default names for a SPEC given alone: a stem from its ``info.title``, else its file name.

Kept apart from :mod:`apiforge.config.project` so that the pydantic layer
(:mod:`apiforge.config.schema`) can use it without importing the resolver.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from apiforge.output import cache


def default_stem(spec: Path) -> str:
    """The stem of a SPEC's default names, from its ``info.title`` (``PostHog API`` -> ``posthog``).

    Empty when the title is missing, unreadable or generic (``OpenAPI``): the caller then
    falls back to the file name. Only the events up to ``info.title`` are parsed, so a
    large spec costs little, and the result is cached by the spec's content; a broken
    spec is left to the loader to report.
    """
    try:
        content = Path(spec).read_bytes()
    except OSError:
        return ""
    folder = cache.cache_dir("titles")  # a no-op run must not import yaml
    key = cache.digest("title 1", hashlib.sha256(content).hexdigest())
    stem = cache.read(folder, key)
    if stem is None:
        known, title = _json_title(spec, content)
        if not known:
            title = read_title(spec)
        from apiforge.naming.schemas import package_stem  # on a miss only, as yaml above

        stem = package_stem(title) if title else ""
        cache.write(folder, key, stem)
    return stem


_JSON_AT_ONCE = 1 << 20  # bytes: json.loads of a smaller file costs less than importing yaml


def _json_title(spec: Path, content: bytes) -> tuple[bool, str | None]:
    """``(True, info.title)`` of a small ``.json`` spec (as the loader, by its name), parsed at once.

    Parsing it whole with the json module is cheaper than importing yaml (~11 ms) below
    :data:`_JSON_AT_ONCE`. ``(False, None)`` when the file is larger, not JSON, or its
    title is not a string: then :func:`read_title` decides, as for any other file.
    """
    unknown = (False, None)
    if not str(spec).endswith(".json") or len(content) > _JSON_AT_ONCE:
        return unknown
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return unknown
    if not isinstance(document, dict):
        return unknown
    if "info" not in document:
        return True, None
    info = document["info"]
    if not isinstance(info, dict):
        return unknown
    if "title" not in info:
        return True, None
    title = info["title"]
    return (True, title) if isinstance(title, str) else unknown


def read_title(spec: Path) -> str | None:
    """``info.title`` of a YAML or JSON spec, parsing no further than ``info``; None if absent."""
    import yaml  # only on a cache miss: a no-op run must not import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    frames: list[list[Any]] = []  # per open collection: [is_mapping, current key, expecting a key]
    try:
        with open(spec, encoding="utf-8") as stream:
            for event in yaml.parse(stream, Loader=loader):
                top = frames[-1] if frames else None
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    frames.append([isinstance(event, yaml.MappingStartEvent), None, True])
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    frames.pop()
                    if frames and frames[-1][0]:
                        if len(frames) == 1 and frames[0][1] == "info":
                            return None  # info is over and had no title
                        frames[-1][2] = True
                elif top is not None and top[0] and top[2] and isinstance(event, yaml.ScalarEvent):
                    top[1], top[2] = event.value, False
                elif (
                    top is not None
                    and top[0]
                    and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent))
                ):
                    keys = [frame[1] for frame in frames]
                    if keys == ["info", "title"] and isinstance(event, yaml.ScalarEvent):
                        return str(event.value)
                    top[2] = True
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return None
