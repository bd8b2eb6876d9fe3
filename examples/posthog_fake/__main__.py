"""``python -m examples.posthog_fake``: serve the fake PostHog with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from . import ALL_SCOPES_TOKEN, READ_ONLY_TOKEN, FakePostHog, create_fake_app


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, seed the demo project and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m examples.posthog_fake",
        description="Serve an in-memory fake of the PostHog API (posthog_server) with uvicorn.",
        epilog=f"Tokens: {ALL_SCOPES_TOKEN} (every scope), {READ_ONLY_TOKEN} (read scopes only).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8010, help="port to listen on (8010)")
    parser.add_argument("--page-size", type=int, default=100, help="default page size (100)")
    parser.add_argument(
        "--no-seed", action="store_true", help="start empty (no demo groups, insights, recording)"
    )
    args = parser.parse_args(argv)

    fake = FakePostHog(page_size=args.page_size)
    if not args.no_seed:
        fake.seed_demo("1")
    print(f"fake PostHog on http://{args.host}:{args.port} (docs at /docs)")
    print(f"  all scopes: Authorization: Bearer {ALL_SCOPES_TOKEN}")
    print(f"  read only:  Authorization: Bearer {READ_ONLY_TOKEN}")
    uvicorn.run(create_fake_app(fake), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
