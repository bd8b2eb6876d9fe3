"""apiforge: one OpenAPI document in, a pydantic/httpx client and a FastAPI server out.

The pipeline is load -> normalize -> build IR -> name -> render -> format -> write;
:func:`generator.pipeline.generate` runs it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
