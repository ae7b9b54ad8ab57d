# The package's types for type checkers: __init__.py serves the API names lazily (module
# __getattr__), which a checker cannot follow. Keep in step with __init__.py.
from dockwise.api import Report as Report
from dockwise.api import analyze_image as analyze_image
from dockwise.api import check_paths as check_paths
from dockwise.api import check_text as check_text
from dockwise.api import scan_context as scan_context
from dockwise.model import BuildModel

__version__: str
__all__: list[str]

def parse(text: str, path: str | None = None) -> BuildModel: ...
