"""Front ends over the library (apiforge.api): the click command line and its commands, the hatchling build hook."""

from apiforge.code_cache import install

install()  # before the first @dataclass or module regex the command imports (code_cache.py)
