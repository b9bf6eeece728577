"""exactmtl: exact verification for the approximation theory of multi-task learning.

Every public name of the interactive-session surface is imported here; ``__all__`` is sorted.
"""

from exactmtl.errors import (
    CheckFailed,
    ExactMTLError,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    UndecidedError,
)

__version__ = "0.1.0"

__all__ = [
    "CheckFailed",
    "ExactMTLError",
    "InexactInputError",
    "InvalidArgument",
    "InvalidArgumentType",
    "UndecidedError",
    "__version__",
]
