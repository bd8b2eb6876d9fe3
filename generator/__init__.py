"""apiforge: one OpenAPI document in, a pydantic/httpx client and a FastAPI server out.

The pipeline is load -> build IR -> name -> models -> render -> format -> write:
:func:`apiforge.pipeline.render` runs it up to formatting and
:mod:`apiforge.cli.commands.generate` writes the result (see ARCHITECTURE.md).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
