"""Front ends over the library (apiforge.api): the click command line and its commands, the hatchling build hook."""

from apiforge import code_cache

code_cache.install()  # before the first @dataclass the command imports (see code_cache.py)
