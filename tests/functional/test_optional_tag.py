"""A discriminator tag that a member leaves optional (Spotify's TrackObject ``type``): the member
on its own accepts a value without it, as its schema says, and documents no default nor
``required`` tag; inside the tagged union the tag stays mandatory, as OpenAPI's Discriminator
Object expects it to be present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiforge_testkit import Built, server_client

received: list[Any] = []


class _Media:
    async def add_media(self, *, body: Any, context: Any) -> None:
        received.append(body)


class _Tracks:
    async def add_track(self, *, body: Any, context: Any) -> None:
        received.append(body)


def _post(b: Built, path: str, body: Any) -> Any:
    with server_client(b.server, media=_Media(), tracks=_Tracks()) as http:
        return http.post(path, json=body)


def test_the_member_alone_may_omit_its_tag(built: Callable[[str], Built]) -> None:
    b = built("optional_tag")
    received.clear()
    assert _post(b, "/tracks", {"title": "t"}).status_code == 204
    assert _post(b, "/tracks", {"title": "t", "type": "track"}).status_code == 204
    assert _post(b, "/tracks", {"title": "t", "type": "episode"}).status_code == 422
    assert [track.type for track in received] == ["track", "track"]  # its only value


def test_the_tagged_union_needs_the_tag(built: Callable[[str], Built]) -> None:
    b = built("optional_tag")
    assert _post(b, "/media", {"title": "t", "type": "track"}).status_code == 204
    assert _post(b, "/media", {"show": "s", "type": "episode"}).status_code == 204
    assert _post(b, "/media", {"title": "t"}).status_code == 422


def test_the_optional_tag_is_documented_as_the_spec_has_it(built: Callable[[str], Built]) -> None:
    b = built("optional_tag")
    for kind in ("client", "server"):
        schema = b.models(kind).Track.model_json_schema()
        assert "default" not in schema["properties"]["type"]
        assert schema["required"] == ["title"]
        assert b.models(kind).Track.model_validate({"title": "t"}).type == "track"
    assert set(b.models("server").Episode.model_json_schema()["required"]) == {"show", "type"}


def test_validation_errors_show_plain_tag_values_not_enum_reprs(
    built: Callable[[str], Built],
) -> None:
    """Issue 16.12: an API caller reads ``Input should be 'track'``, never ``<TrackType.track: ...>``."""
    b = built("optional_tag")
    wrong_tag = _post(b, "/tracks", {"title": "t", "type": "episode"}).json()["detail"][0]
    assert wrong_tag["msg"] == "Input should be 'track'"
    unknown = _post(b, "/media", {"title": "t", "type": "podcast"}).json()["detail"][0]
    assert unknown["type"] == "union_tag_invalid"
    assert unknown["ctx"]["expected_tags"] == "'track', 'episode'"
    for kind in ("client", "server"):
        media = b.models(kind).Media.model_validate({"show": "s", "type": "episode"})
        assert media.root.type == "episode" and type(media.root.type) is str
