"""exactmtl: exact verification for the approximation theory of multi-task learning.

Every public name of the interactive-session surface is imported here; ``__all__`` is sorted.
"""

from exactmtl.bases import (
    WALSH_ORDERS,
    ScaledPiecewise,
    bit_reverse,
    convert_walsh_index,
    gram,
    gray,
    gray_inverse,
    haar,
    rademacher,
    sawtooth,
    tent,
    triangle,
    walsh,
)
from exactmtl.dyadic import dyadic_grid, dyadic_level, is_dyadic
from exactmtl.errors import (
    CheckFailed,
    ExactMTLError,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    UndecidedError,
)
from exactmtl.piecewise import (
    Equality,
    Piecewise,
    equal,
    floor,
    frac,
    from_sympy,
    heaviside,
    inner,
    integrate,
    l2_norm_squared,
    maximum,
    minimum,
    relu,
    sup_norm,
)

__version__ = "0.1.0"

__all__ = [
    "WALSH_ORDERS",
    "CheckFailed",
    "Equality",
    "ExactMTLError",
    "InexactInputError",
    "InvalidArgument",
    "InvalidArgumentType",
    "Piecewise",
    "ScaledPiecewise",
    "UndecidedError",
    "__version__",
    "bit_reverse",
    "convert_walsh_index",
    "dyadic_grid",
    "dyadic_level",
    "equal",
    "floor",
    "frac",
    "from_sympy",
    "gram",
    "gray",
    "gray_inverse",
    "haar",
    "heaviside",
    "inner",
    "integrate",
    "is_dyadic",
    "l2_norm_squared",
    "maximum",
    "minimum",
    "rademacher",
    "relu",
    "sawtooth",
    "sup_norm",
    "tent",
    "triangle",
    "walsh",
]
