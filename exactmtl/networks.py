"""Feed-forward networks on one real input with exact rational weights: compile, size, bits.

A :class:`Network` is a list of layers ``(weights, biases, activation[, skip])``: ``weights`` are
rows (one per neuron) of exact numbers over the previous layer's outputs (the network input ``x``
for the first layer), ``activation`` is one name or one name per neuron among ``"identity"``,
``"heaviside"`` and ``"relu"``, and ``skip`` (optional) gives each neuron a weight on the network
input ``x`` itself (a *skip connection from the input*, conventions §A.8):

    z_l = W_l a_{l-1} + S_l x + b_l,        a_l = activation_l(z_l),        a_0 = x.

The last layer is the output (usually ``"identity"``); ``H(0) = h0`` (1 by default, §A.3).
Identity neurons in a hidden layer are the other way to carry a linear term forward.

:meth:`Network.to_piecewise` compiles a network into an exact :class:`Piecewise` by propagating
exact piecewise-linear functions layer by layer: on a common knot array (integer numerators over
one common denominator) every neuron is affine on every piece; pieces are split at the exact
rational zero crossings of the pre-activations, then the activation is applied piece by piece.
Arithmetic is vectorised with numpy ``int64`` whenever a bound computed beforehand shows that
no intermediate exceeds ``2**62``, and with Python integers (``object`` arrays) otherwise.
Continuous networks (identity and ReLU neurons, widths <= 8, e.g. Telgarsky's) take a fused
kernel (``exactmtl._intnet``): values at the knots and slopes per piece only, one pass per
layer, neurons sharing a weight row held once; the general engine here handles the rest and is
its oracle in the tests.

>>> from fractions import Fraction
>>> from exactmtl import sawtooth, triangle, equal
>>> net = Network([([[1], [1]], [0, Fraction(-1, 2)], ["identity", "heaviside"]),
...                ([[2, -1]], [0], "identity")])             # 2x - H(x - 1/2)
>>> f = net.to_piecewise()
>>> print(equal(f, sawtooth(1)))                              # on [0, 1)
equal everywhere
>>> bool(equal(telgarsky_network(6).to_piecewise(), triangle(6)))
True
>>> net.size().neurons, net.bits(code="elias-gamma")
(2, 29)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl import _intnet
from exactmtl._intcore import _raw_fraction_factory
from exactmtl._intcore import fractions as _intcore_fractions
from exactmtl._validate import as_bool, as_exact, as_exact_int, check_budget, check_level, shown
from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType
from exactmtl.piecewise import Piecewise, _bulk, _domain, _peval
from exactmtl.prefixcodes import rational_code_length
from exactmtl.sympy_io import as_piecewise

__all__ = [
    "ACTIVATIONS",
    "CompiledNetwork",
    "Layer",
    "Network",
    "NetworkSize",
    "deep_sawtooth_network",
    "heaviside_piece_bound",
    "heaviside_sawtooth_network",
    "midpoint_staircase",
    "optimal_staircase",
    "optimal_staircase_pieces",
    "piecewise_linear_network",
    "rademacher_network",
    "sawtooth_walsh_network",
    "staircase_network",
    "step_network",
    "telgarsky_network",
    "triangle_staircase_pieces",
    "triangle_staircase_units",
    "walsh_network",
]

ACTIVATIONS = ("identity", "heaviside", "relu")
_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)


# --------------------------------------------------------------------------- validation

_SMALL_INTS = {i: Fraction(i) for i in range(-64, 65)}


def _param(value: Any, name: str) -> Fraction:
    """An exact finite rational parameter; non-finite values and floats are refused."""
    if type(value) is int:
        cached = _SMALL_INTS.get(value)
        return cached if cached is not None else Fraction(value)
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise InvalidArgument(f"{name}={value!r} is not finite; weights and biases must be "
                              "exact finite rationals")
    mod = type(value).__module__ or ""
    if mod.startswith("sympy"):
        import sympy

        if value in (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
            raise InvalidArgument(f"{name}={value} is not finite; weights and biases must be "
                                  "exact finite rationals")
    return as_exact(value, name)


def _rows(value: Any, name: str) -> list[list[Any]]:
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            raise InexactInputError(
                f"{name} is a numpy array of dtype {value.dtype}; pass integers or Fractions "
                "(e.g. dtype=object holding Fraction values)")
        if value.ndim != 2:
            raise InvalidArgument(f"{name} has shape {value.shape}; expected a 2-d array with "
                                  "one row per neuron")
        return [list(r) for r in value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgumentType(f"{name}={value!r} must be a list of rows (one per neuron)")
    if set(map(type, value)) <= {list, tuple}:
        return list(value)  # rows are checked entry by entry in _layer
    out = []
    for i, r in enumerate(value):
        if isinstance(r, np.ndarray):
            if r.dtype.kind == "f":
                raise InexactInputError(f"{name} row {i} has dtype {r.dtype}; pass integers "
                                        "or Fractions")
            r = list(r)
        if isinstance(r, (str, bytes)) or not isinstance(r, Sequence):
            raise InvalidArgumentType(f"{name} row {i} = {r!r} must be a list of numbers")
        out.append(list(r))
    return out


def _exact_entries(values: list[Any], name: Any) -> list[Fraction]:
    """Exact parameters; ``name(i)`` builds the error name of entry ``i`` (slow path only)."""
    types = set(map(type, values))
    if types <= {Fraction}:
        return values
    if types <= {Fraction, int}:
        return [v if type(v) is Fraction else _param(v, "") for v in values]
    return [v if type(v) is Fraction else _param(v, name(i)) for i, v in enumerate(values)]


def _vector(value: Any, name: str) -> list[Any]:
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            raise InexactInputError(f"{name} is a numpy array of dtype {value.dtype}; pass "
                                    "integers or Fractions")
        if value.ndim != 1:
            raise InvalidArgument(f"{name} has shape {value.shape}; expected a 1-d array")
        return list(value)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgumentType(f"{name}={value!r} must be a list of numbers")
    return list(value)


@dataclass(frozen=True)
class Layer:
    """One validated layer: ``z = W a + S x + b``, then the activations.

    ``weights`` has one row per neuron; ``skip`` (or ``None``) one entry per neuron, the weight on
    the network input ``x``.
    """

    weights: tuple[tuple[Fraction, ...], ...]
    biases: tuple[Fraction, ...]
    activations: tuple[str, ...]
    skip: tuple[Fraction, ...] | None = None

    @property
    def width(self) -> int:
        """The number of neurons."""
        return len(self.biases)

    @property
    def input_width(self) -> int:
        return len(self.weights[0])

    def parameters(self) -> list[Fraction]:
        """Every weight, skip weight and bias, in a fixed order.

        >>> [str(v) for v in telgarsky_network(1).layers[0].parameters()]
        ['1', '1', '0', '-1/2']
        """
        out = [w for row in self.weights for w in row]
        if self.skip is not None:
            out.extend(self.skip)
        out.extend(self.biases)
        return out


def _layer(spec: Any, index: int, input_width: int) -> Layer:
    where = f"layer {index}"
    if isinstance(spec, Layer):
        spec = (spec.weights, spec.biases, spec.activations, spec.skip)
    if isinstance(spec, dict):
        unknown = set(spec) - {"weights", "biases", "activation", "skip"}
        if unknown:
            raise InvalidArgument(f"{where} has unknown keys {sorted(unknown)}; expected "
                                  "weights, biases, activation, skip")
        try:
            spec = (spec["weights"], spec["biases"], spec["activation"], spec.get("skip"))
        except KeyError as exc:
            raise InvalidArgument(f"{where} lacks the key {exc.args[0]!r}") from None
    if not isinstance(spec, (tuple, list)) or len(spec) not in (3, 4):
        raise InvalidArgumentType(
            f"{where}={spec!r} must be a tuple (weights, biases, activation) or "
            "(weights, biases, activation, skip)")
    weights, biases, activation = spec[:3]
    skip = spec[3] if len(spec) == 4 else None
    rows = _rows(weights, f"{where} weights")
    if not rows:
        raise InvalidArgument(f"{where} weights has no rows; every layer needs at least one "
                              "neuron")
    lengths = set(map(len, rows))
    if lengths != {input_width}:
        i = next(i for i, row in enumerate(rows) if len(row) != input_width)
        raise InvalidArgument(
            f"{where} weights row {i} has {len(rows[i])} entries; the layer's input has width "
            f"{input_width}")
    flat = _exact_entries([v for row in rows for v in row],
                          lambda k: f"{where} weights[{k // input_width}][{k % input_width}]")
    ws = list(zip(*[iter(flat)] * input_width))
    width = len(ws)
    bs = _vector(biases, f"{where} biases")
    if len(bs) != width:
        raise InvalidArgument(f"{where} biases has {len(bs)} entries; the layer has {width} "
                              f"neurons (weights rows)")
    bias = tuple(_exact_entries(bs, lambda i: f"{where} biases[{i}]"))
    if isinstance(activation, str):
        acts = [activation] * width
    elif isinstance(activation, Sequence):
        acts = list(activation)
        if len(acts) != width:
            raise InvalidArgument(f"{where} activation has {len(acts)} names; the layer has "
                                  f"{width} neurons")
    else:
        raise InvalidArgumentType(f"{where} activation={activation!r} must be a name or a "
                                  "list of names")
    for i, a in enumerate(acts):
        if a not in ACTIVATIONS:
            raise InvalidArgument(f"{where} activation[{i}]={a!r} is not known; expected one "
                                  f"of {', '.join(map(repr, ACTIVATIONS))}")
    sk = None
    if skip is not None:
        entries = _vector(skip, f"{where} skip")
        if len(entries) != width:
            raise InvalidArgument(f"{where} skip has {len(entries)} entries; the layer has "
                                  f"{width} neurons (one skip weight on x per neuron)")
        flat = []
        for i, v in enumerate(entries):
            if isinstance(v, (list, tuple, np.ndarray)):
                if len(v) != 1:
                    raise InvalidArgument(f"{where} skip row {i} has {len(v)} entries; the "
                                          "network input has width 1")
                v = v[0]
            flat.append(_param(v, f"{where} skip[{i}]"))
        sk = tuple(flat)
    return Layer(tuple(ws), bias, tuple(acts), sk)


# --------------------------------------------------------------------------- size

@dataclass(frozen=True)
class NetworkSize:
    """Exact size accounting of a network (conventions §A.8).

    ``widths`` lists the input width, every hidden width and the output width; ``depth`` is the
    number of hidden layers; ``neurons`` counts hidden neurons; ``first_layer_units`` counts the
    first-layer neurons with a nonzero weight on ``x`` (``N_1`` of the pieces lemma);
    ``weights`` and ``biases`` count nonzero entries (skip weights are weights); ``entries``
    counts every weight, skip weight and bias, zero or not.
    """

    widths: tuple[int, ...]
    depth: int
    neurons: int
    first_layer_units: int
    weights: int
    biases: int
    entries: int

    @property
    def layers(self) -> int:
        """Layers with weights: hidden layers plus the output layer."""
        return self.depth + 1

    @property
    def parameters(self) -> int:
        """Nonzero weights plus nonzero biases."""
        return self.weights + self.biases


# --------------------------------------------------------------------------- the network

class Network:
    """A feed-forward network on one real input with exact rational parameters.

    Parameters
    ----------
    layers : sequence of ``(weights, biases, activation)`` or ``(..., skip)`` tuples
        ``weights``: rows, one per neuron, over the previous layer's outputs (lists, numpy
        integer arrays or object arrays of Fractions; floats are refused); ``activation``: a
        name or one name per neuron among ``"identity"``, ``"heaviside"``, ``"relu"``;
        ``skip``: one weight per neuron on the network input ``x`` (optional).
    h0 : exact number
        The value ``H(0)`` of every Heaviside neuron (conventions §A.3: 1).

    Examples
    --------
    >>> net = Network([([[1]], [Fraction(-1, 2)], "heaviside"),
    ...                ([[-1]], [0], "identity", [2])])        # 2x - H(x - 1/2), skip on x
    >>> net(Fraction(3, 4)), net(Fraction(1, 2))
    (Fraction(1, 2), Fraction(0, 1))
    >>> net
    Network(h0=1,
      layer 0: 1 neuron [heaviside]; weights [[1]]; biases [-1/2]
      layer 1: 1 neuron [identity]; weights [[-1]]; biases [0]; skip [2])
    """

    __slots__ = ("_h0", "_hash", "_layers")

    def __init__(self, layers: Sequence[Any], *, h0: Any = 1) -> None:
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
            raise InvalidArgumentType(f"layers={shown(layers)} must be a list of layers "
                                      "(weights, biases, activation)")
        if not layers:
            raise InvalidArgument("layers is empty; a network needs at least an output layer")
        out: list[Layer] = []
        width = 1
        for i, spec in enumerate(layers):
            layer = _layer(spec, i, width)
            out.append(layer)
            width = layer.width
        self._layers = tuple(out)
        self._h0 = as_exact(h0, "h0")
        self._hash: int | None = None

    @classmethod
    def from_arrays(cls, weights: Sequence[Any], biases: Sequence[Any],
                    activations: Sequence[Any], *, skips: Sequence[Any] | None = None,
                    h0: Any = 1) -> Network:
        """Build from parallel lists: ``weights[l]`` (2-d), ``biases[l]``, ``activations[l]``.

        >>> import numpy as np
        >>> net = Network.from_arrays([np.array([[2]]), np.array([[1]])], [[-1], [0]],
        ...                           ["relu", "identity"])
        >>> net(Fraction(3, 4))
        Fraction(1, 2)
        """
        n = len(weights)
        if len(biases) != n or len(activations) != n or (skips is not None and len(skips) != n):
            raise InvalidArgument(
                f"weights, biases, activations (and skips) must have one entry per layer; got "
                f"{n}, {len(biases)}, {len(activations)}"
                + (f", {len(skips)}" if skips is not None else ""))
        layers = [(weights[i], biases[i], activations[i],
                   None if skips is None else skips[i]) for i in range(n)]
        return cls(layers, h0=h0)

    # ----------------------------------------------------------------- attributes
    @property
    def layers(self) -> tuple[Layer, ...]:
        return self._layers

    @property
    def h0(self) -> Fraction:
        """The value of every Heaviside neuron at 0."""
        return self._h0

    @property
    def widths(self) -> tuple[int, ...]:
        """Input width, hidden widths, output width."""
        return (1, *(layer.width for layer in self._layers))

    @property
    def depth(self) -> int:
        """The number of hidden layers."""
        return len(self._layers) - 1

    @property
    def outputs(self) -> int:
        """The number of outputs."""
        return self._layers[-1].width

    # ----------------------------------------------------------------- editing
    def replace_weight(self, layer: int, row: int, column: int, value: Any) -> Network:
        """A copy with ``layers[layer].weights[row][column] = value`` (e.g. for falsifiers).

        >>> net = telgarsky_network(2)
        >>> net.replace_weight(1, 0, 0, 3).layers[1].weights[0]
        (Fraction(3, 1), Fraction(-4, 1))
        """
        li, r, c = self._locate(layer, row, column)
        layers = list(self._layers)
        old = layers[li]
        rows = [list(w) for w in old.weights]
        rows[r][c] = _param(value, "value")
        layers[li] = Layer(tuple(tuple(w) for w in rows), old.biases, old.activations, old.skip)
        return Network(layers, h0=self._h0)

    def replace_bias(self, layer: int, row: int, value: Any) -> Network:
        """A copy with ``layers[layer].biases[row] = value``.

        >>> telgarsky_network(1).replace_bias(0, 1, Fraction(-1, 4)).layers[0].biases
        (Fraction(0, 1), Fraction(-1, 4))
        """
        li, r, _ = self._locate(layer, row, 0)
        layers = list(self._layers)
        old = layers[li]
        bs = list(old.biases)
        bs[r] = _param(value, "value")
        layers[li] = Layer(old.weights, tuple(bs), old.activations, old.skip)
        return Network(layers, h0=self._h0)

    def _locate(self, layer: int, row: int, column: int) -> tuple[int, int, int]:
        li = as_exact_int(layer, "layer", minimum=0, maximum=len(self._layers) - 1)
        lay = self._layers[li]
        r = as_exact_int(row, "row", minimum=0, maximum=lay.width - 1)
        c = as_exact_int(column, "column", minimum=0, maximum=lay.input_width - 1)
        return li, r, c

    # ----------------------------------------------------------------- evaluation
    def _act(self, name: str, z: Fraction) -> Fraction:
        if name == "identity":
            return z
        if name == "relu":
            return z if z > 0 else _ZERO
        return _ONE if z > 0 else _ZERO if z < 0 else self._h0

    def evaluate(self, x: Any) -> tuple[Fraction, ...]:
        """All outputs at the exact number ``x`` (exact forward pass with Fractions).

        >>> telgarsky_network(2).evaluate(Fraction(1, 8))
        (Fraction(1, 2),)
        """
        xv = as_exact(x, "x")
        a: tuple[Fraction, ...] = (xv,)
        for layer in self._layers:
            out = []
            for i, row in enumerate(layer.weights):
                z = layer.biases[i] + sum((w * v for w, v in zip(row, a) if w), _ZERO)
                if layer.skip is not None:
                    z += layer.skip[i] * xv
                out.append(self._act(layer.activations[i], z))
            a = tuple(out)
        return a

    def __call__(self, x: Any) -> Fraction:
        """The output at ``x`` (single-output networks; use :meth:`evaluate` otherwise)."""
        if self.outputs != 1:
            raise InvalidArgument(f"this network has {self.outputs} outputs; use "
                                  "net.evaluate(x) for the tuple of outputs")
        return self.evaluate(x)[0]

    # ----------------------------------------------------------------- compilation
    def compile(self, domain: tuple[Any, Any] = (0, 1), *, closed: bool = True
                ) -> CompiledNetwork:
        """Compile every output to an exact :class:`Piecewise` on ``domain``.

        ``closed=True`` (default) compiles on ``[a, b]``, ``closed=False`` on ``[a, b)``.

        >>> c = telgarsky_network(3).compile()
        >>> c.regions, c.layer_regions
        (8, (2, 4, 8, 8))
        """
        a, b = _domain(domain)
        return _compile(self, a, b, as_bool(closed, "closed"))

    def to_piecewise(self, domain: tuple[Any, Any] = (0, 1), *, closed: bool = True,
                     output: int | None = None) -> Piecewise:
        """The exact piecewise function computed by output ``output`` (default: the only one).

        >>> telgarsky_network(2).to_piecewise().breakpoints
        (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
        """
        if output is None:
            if self.outputs != 1:
                raise InvalidArgument(
                    f"this network has {self.outputs} outputs; pass output=i or use "
                    "to_piecewise_outputs()")
            output = 0
        idx = as_exact_int(output, "output", minimum=0, maximum=self.outputs - 1)
        return self.compile(domain, closed=closed).outputs[idx]

    def to_piecewise_outputs(self, domain: tuple[Any, Any] = (0, 1), *,
                             closed: bool = True) -> tuple[Piecewise, ...]:
        """Every output as an exact Piecewise.

        >>> two = Network([([[1]], [0], "relu"), ([[1], [-1]], [0, 1], "identity")])
        >>> [f(Fraction(1, 4)) for f in two.to_piecewise_outputs()]
        [Fraction(1, 4), Fraction(3, 4)]
        """
        return self.compile(domain, closed=closed).outputs

    def linear_regions(self, domain: tuple[Any, Any] = (0, 1), *, closed: bool = True) -> int:
        """The number of maximal intervals on which every output is affine (conventions §A.8).

        >>> telgarsky_network(10).linear_regions()
        1024
        """
        return self.compile(domain, closed=closed).regions

    def to_sympy(self, x: Any = None, *, output: int | None = None) -> Any:
        """A sympy expression of one output with ``Heaviside(z, h0)`` and ``Max(0, z)``.

        For display and cross-checks on small networks (compile with :meth:`to_piecewise`).

        >>> Network([([[1]], [Fraction(-1, 2)], "heaviside"),
        ...          ([[-1]], [0], "identity", [2])]).to_sympy()
        2*x - Heaviside(x - 1/2, 1)
        """
        import sympy

        x = sympy.Symbol("x") if x is None else x

        def rat(v: Fraction) -> Any:
            return sympy.Rational(v.numerator, v.denominator)

        h0 = rat(self._h0)
        a: list[Any] = [x]
        for layer in self._layers:
            out = []
            for i, row in enumerate(layer.weights):
                z = rat(layer.biases[i]) + sum((rat(w) * v for w, v in zip(row, a) if w),
                                               sympy.Integer(0))
                if layer.skip is not None:
                    z += rat(layer.skip[i]) * x
                act = layer.activations[i]
                out.append(z if act == "identity" else sympy.Max(0, z) if act == "relu"
                           else sympy.Heaviside(z, h0))
            a = out
        if output is None:
            if len(a) != 1:
                raise InvalidArgument(f"this network has {len(a)} outputs; pass output=i")
            output = 0
        return a[as_exact_int(output, "output", minimum=0, maximum=len(a) - 1)]

    # ----------------------------------------------------------------- size and bits
    def size(self) -> NetworkSize:
        """Neurons, layers, nonzero weights and biases (exact counts).

        >>> s = telgarsky_network(4).size()
        >>> s.widths, s.neurons, s.parameters       # 5k nonzero parameters (main construction §4.2)
        ((1, 2, 2, 2, 2, 1), 8, 20)
        """
        first = self._layers[0]
        n1 = sum(1 for i, row in enumerate(first.weights)
                 if row[0] + (first.skip[i] if first.skip is not None else 0))
        weights = biases = entries = 0
        for layer in self._layers:
            ws = [w for row in layer.weights for w in row]
            if layer.skip is not None:
                ws.extend(layer.skip)
            weights += sum(1 for w in ws if w)
            biases += sum(1 for v in layer.biases if v)
            entries += len(ws) + len(layer.biases)
        return NetworkSize(self.widths, self.depth, sum(self.widths[1:-1]), n1, weights,
                           biases, entries)

    def bits(self, code: str = "elias-gamma") -> int:
        """Exact description length of all parameters (zeros included) under a rational code.

        The architecture (widths, activations, which layers have skips) is not charged; every
        weight, skip weight and bias is written with the prefix-free code ``code`` of
        :mod:`exactmtl.prefixcodes` (``"elias-gamma"``, ``"elias-delta"``, or their
        ``"-dyadic"`` forms), so the total is an exact integer.

        >>> telgarsky_network(1).bits("elias-gamma-dyadic")
        31
        """
        return sum(self.bits_by_layer(code))

    def bits_by_layer(self, code: str = "elias-gamma") -> tuple[int, ...]:
        """The bits of each layer's parameters under ``code``.

        >>> telgarsky_network(1).bits_by_layer("elias-gamma")
        (18, 13)
        """
        cache: dict[Fraction, int] = {}
        out = []
        for layer in self._layers:
            total = 0
            for v in layer.parameters():
                n = cache.get(v)
                if n is None:
                    n = cache[v] = rational_code_length(v, code)
                total += n
            out.append(total)
        return tuple(out)

    # ----------------------------------------------------------------- dunder
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return self._h0 == other._h0 and self._layers == other._layers

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self._h0, self._layers))
        return self._hash

    def __repr__(self) -> str:
        size = self.size()
        if size.entries > 48:
            acts = ", ".join("/".join(sorted(set(layer.activations))) for layer in self._layers)
            return (f"Network(widths {size.widths}, activations [{acts}], "
                    f"{size.parameters} nonzero parameters, h0={self._h0})")

        def vec(vs: Sequence[Fraction]) -> str:
            return "[" + ", ".join(str(v) for v in vs) + "]"

        lines = [f"Network(h0={self._h0},"]
        for i, layer in enumerate(self._layers):
            w = layer.width
            plural = "s" if w != 1 else ""
            text = (f"  layer {i}: {w} neuron{plural} [{', '.join(layer.activations)}]"
                    f"; weights [{', '.join(vec(r) for r in layer.weights)}]"
                    f"; biases {vec(layer.biases)}")
            if layer.skip is not None:
                text += f"; skip {vec(layer.skip)}"
            lines.append(text)
        return "\n".join(lines) + ")"


@dataclass(frozen=True)
class CompiledNetwork:
    """The exact compiled form of a network on a domain.

    ``outputs`` holds one :class:`Piecewise` per output; ``regions`` is the number of maximal
    intervals on which every output is affine (the linear regions of the network on the domain);
    ``layer_regions[l]`` the number of intervals on which every pre-activation of layer ``l`` is
    affine with constant sign (the activation regions of that layer).
    """

    outputs: tuple[Piecewise, ...]
    regions: int
    layer_regions: tuple[int, ...]
    domain: tuple[Fraction, Fraction]
    closed: bool


# --------------------------------------------------------------------------- exact integer engine
#
# A layer's pre-activations live on knots T / D (T an integer array, D a Python int). On piece i
# (between knots i and i+1) neuron j is (c0[i, j] + c1[i, j] x) / C; its value at knot i is
# P[i, j] / E (row K: the right end). Every operation first bounds its result with Python
# integers; below 2**62 it runs on int64 arrays, otherwise on object arrays of Python ints.

_LIMIT = 1 << 62


def _mx(a: np.ndarray) -> int:
    return int(np.abs(a).max()) if a.size else 0


def _cast(big: bool, *arrays: np.ndarray) -> list[np.ndarray]:
    """Object arrays when ``big``; otherwise int64 where the entries fit."""
    if big:
        return [a if a.dtype == object else a.astype(object) for a in arrays]
    return [_shrink(a) for a in arrays]


def _lin(*terms: tuple[np.ndarray, Any]) -> np.ndarray:
    """sum(a * s) over (array, scale) terms; scales are Python ints or arrays (broadcast)."""
    bound = 0
    big = False
    for a, s in terms:
        ms = _mx(s) if isinstance(s, np.ndarray) else abs(int(s))
        ma = _mx(a)
        bound += ma * ms
        big = big or ms >= _LIMIT or ma >= _LIMIT
    big = big or bound >= _LIMIT
    out = None
    for a, s in terms:
        (aa,) = _cast(big, a)
        if isinstance(s, np.ndarray):
            (s,) = _cast(big, s)
        t = aa if (not isinstance(s, np.ndarray) and s == 1) else aa * s
        out = t if out is None else out + t
    assert out is not None
    return out


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[1] == 0:
        return np.zeros((a.shape[0], b.shape[1]), dtype=np.int64)
    ma, mb = _mx(a), _mx(b)
    big = max(ma * mb * a.shape[1], ma, mb) >= _LIMIT
    aa, bb = _cast(big, a, b)
    return aa @ bb


def _shrink(a: np.ndarray) -> np.ndarray:
    if a.dtype == object and _mx(a) < _LIMIT:
        return a.astype(np.int64)
    return a


def _int_params(values: Sequence[Fraction], shape: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Integer numerators over a common denominator."""
    ns = list(map(_NUM, values))
    ds = list(map(_DEN, values))
    uds = set(ds)
    den = math.lcm(*uds) if uds else 1
    top = max(map(abs, ns), default=0) * den
    if top >= _LIMIT:
        nums = np.array([n * (den // d) for n, d in zip(ns, ds)], dtype=object)
    elif len(uds) <= 1:
        nums = np.array(ns, dtype=np.int64)
    else:
        nums = np.array(ns, dtype=np.int64) * (den // np.array(ds, dtype=np.int64))
    return nums.reshape(shape), den


@dataclass
class _State:
    T: np.ndarray
    D: int
    c0: np.ndarray
    c1: np.ndarray
    C: int
    P: np.ndarray
    E: int

    @property
    def pieces(self) -> int:
        return len(self.T) - 1


def _poly_at(st: _State, rows: np.ndarray, knots: np.ndarray, E: int) -> np.ndarray:
    """Numerators over E (a multiple of C*D) of piece ``rows`` evaluated at knot numerators."""
    return _values(st.c0[rows], st.c1[rows], knots, st.D, E // (st.C * st.D))


def _values(c0: np.ndarray, c1: np.ndarray, knots: np.ndarray, D: int, f: int) -> np.ndarray:
    """(c0 D + c1 T) f, row by row: piece values at knots T / D over the denominator C D f."""
    return _lin((c0, D * f), (c1, _lin((knots[:, None], f))))


def _normalise_E(st: _State) -> None:
    """Make E a multiple of C*D (so polynomial values at knots have denominator E)."""
    E = math.lcm(st.E, st.C * st.D)
    if E != st.E:
        st.P = _lin((st.P, E // st.E))
        st.E = E


def _canonical_mask(st: _State, cols: np.ndarray | None = None) -> np.ndarray:
    """Knots to keep: the ends, and every knot where some neuron is not one continuous affine."""
    K = st.pieces
    keep = np.ones(K + 1, dtype=bool)
    if K < 2:
        return keep
    c0, c1, P = st.c0, st.c1, st.P
    if cols is not None:
        c0, c1, P = c0[:, cols], c1[:, cols], P[:, cols]
    same = np.all((c0[1:] == c0[:-1]) & (c1[1:] == c1[:-1]), axis=1)
    idx = np.nonzero(same)[0] + 1  # candidate knots (interior)
    if idx.size:
        val = _values(c0[idx], c1[idx], st.T[idx], st.D, st.E // (st.C * st.D))
        cont = np.all(val == P[idx], axis=1)
        keep[idx[cont]] = False
    return keep


def _apply_mask(st: _State, keep: np.ndarray) -> _State:
    if keep.all():
        return st
    piece_keep = keep[:-1]
    return _State(st.T[keep], st.D, st.c0[piece_keep], st.c1[piece_keep], st.C, st.P[keep], st.E)


def _reduce(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    neg = den < 0
    num = np.where(neg, -num, num)
    den = np.where(neg, -den, den)
    g = np.gcd(num, den)
    return num // g, den // g


def _refine(st: _State, nonlinear: np.ndarray) -> _State:
    """Split pieces at the interior zero crossings of the nonlinear neurons."""
    cols = np.nonzero(nonlinear)[0]
    if cols.size == 0:
        return st
    c0, c1 = st.c0[:, cols], st.c1[:, cols]
    sl = _lin((c0, st.D), (c1, st.T[:-1, None]))
    sr = _lin((c0, st.D), (c1, st.T[1:, None]))
    mask = ((sl > 0) & (sr < 0)) | ((sl < 0) & (sr > 0))
    ii, jj = np.nonzero(mask)
    if ii.size == 0:
        return st
    check_budget("pieces", st.pieces + int(ii.size), "Network.compile (linear pieces)")
    num, den = _reduce(-c0[ii, jj], c1[ii, jj])
    D2 = math.lcm(st.D, *{int(d) for d in np.unique(den).tolist()})
    grow = D2 // st.D
    big = max((_mx(st.T) + 1) * grow, D2) >= _LIMIT
    T_old, num, den = _cast(big, st.T, num, den)
    if grow != 1:
        T_old = T_old * grow
    Tc = np.sort(num * (D2 // den))
    if Tc.size > 1:
        Tc = Tc[np.concatenate([[True], Tc[1:] != Tc[:-1]])]
    # every crossing lies strictly inside one old piece: insert, no global sort needed
    before = np.searchsorted(Tc, T_old)  # crossings left of each old knot
    old_pos = np.arange(len(T_old)) + before
    newT = np.empty(len(T_old) + len(Tc), dtype=T_old.dtype)
    newT[old_pos] = T_old
    is_new = np.ones(len(newT), dtype=bool)
    is_new[old_pos] = False
    new_idx = np.nonzero(is_new)[0]
    newT[new_idx] = Tc
    parent = np.repeat(np.arange(len(T_old) - 1), np.diff(old_pos))
    E2 = math.lcm(st.E, st.C * D2)
    P_old = _lin((st.P, E2 // st.E))
    tmp = _State(T_old, D2, st.c0, st.c1, st.C, st.P, E2)
    P_new = _poly_at(tmp, parent[new_idx], newT[new_idx], E2)
    big = P_old.dtype == object or P_new.dtype == object
    P_old, P_new = _cast(big, P_old, P_new)
    P = np.empty((len(newT), st.c0.shape[1]), dtype=P_old.dtype)
    P[old_pos] = P_old
    P[new_idx] = P_new
    return _State(newT, D2, st.c0[parent], st.c1[parent], st.C, P, E2)


def _activate(st: _State, acts: Sequence[str], h0: Fraction) -> _State:
    """Apply the activations on a refined partition (no sign change inside any piece)."""
    kinds = np.array([_KIND[a] for a in acts])
    has_h = bool((kinds == 2).any())
    C2 = math.lcm(st.C, h0.denominator) if has_h else st.C
    E2 = math.lcm(st.E, h0.denominator) if has_h else st.E
    c0 = _lin((st.c0, C2 // st.C))
    c1 = _lin((st.c1, C2 // st.C))
    P = _lin((st.P, E2 // st.E))
    if has_h:  # the Heaviside values C2, h0 C2 (E2, h0 E2) must fit the arrays' dtype
        c0, c1 = _cast(c0.dtype == object or max(C2, abs(h0) * C2) >= _LIMIT, c0, c1)
        (P,) = _cast(P.dtype == object or max(E2, abs(h0) * E2) >= _LIMIT, P)
    relu_cols = np.nonzero(kinds == 1)[0]
    h_cols = np.nonzero(kinds == 2)[0]
    if relu_cols.size or h_cols.size:
        cols = np.concatenate([relu_cols, h_cols])
        mid = _lin((st.c0[:, cols], 2 * st.D), (st.c1[:, cols], (st.T[:-1] + st.T[1:])[:, None]))
        pos = mid > 0
        neg = mid < 0
        nr = relu_cols.size
        if nr:
            keep = pos[:, :nr]
            c0[:, relu_cols] = np.where(keep, c0[:, relu_cols], 0)
            c1[:, relu_cols] = np.where(keep, c1[:, relu_cols], 0)
            P[:, relu_cols] = np.where(P[:, relu_cols] > 0, P[:, relu_cols], 0)
        if h_cols.size:
            hc, he = h0 * C2, h0 * E2
            assert hc.denominator == 1 and he.denominator == 1
            c0[:, h_cols] = _three(pos[:, nr:], neg[:, nr:], C2, int(hc), c0.dtype)
            c1[:, h_cols] = 0
            ph = P[:, h_cols]
            P[:, h_cols] = _three(ph > 0, ph < 0, E2, int(he), P.dtype)
    return _State(st.T, st.D, c0, c1, C2, P, E2)


def _three(pos: np.ndarray, neg: np.ndarray, one: int, zero: int, dtype: Any) -> np.ndarray:
    """``one`` where ``pos``, 0 where ``neg``, ``zero`` elsewhere (the Heaviside values)."""
    out = np.full(pos.shape, zero, dtype=dtype)
    out[pos] = one
    out[neg] = 0
    return out


def _affine(st: _State, layer: Layer) -> _State:
    """Pre-activations of ``layer`` from the previous activations ``st`` (same partition)."""
    W, dW = _int_params([w for row in layer.weights for w in row],
                        (layer.width, layer.input_width))
    b, db = _int_params(list(layer.biases), (layer.width,))
    sk = layer.skip if layer.skip is not None else (_ZERO,) * layer.width
    s, ds = _int_params(list(sk), (layer.width,))
    C2 = math.lcm(st.C * dW, db, ds)
    Wt = W.T
    c0 = _lin((_matmul(st.c0, Wt), C2 // (st.C * dW)), (b[None, :], C2 // db))
    c1 = _lin((_matmul(st.c1, Wt), C2 // (st.C * dW)), (s[None, :], C2 // ds))
    E2 = math.lcm(st.E * dW, ds * st.D, db)
    terms = [(_matmul(st.P, Wt), E2 // (st.E * dW)), (b[None, :], E2 // db)]
    if np.any(s != 0):
        terms.append((_outer_mul(st.T, s[None, :], E2 // (ds * st.D)), 1))
    P = _lin(*terms)
    out = _State(st.T, st.D, _shrink(c0), _shrink(c1), C2, _shrink(P), E2)
    _normalise_E(out)
    return _apply_mask(out, _canonical_mask(out))


def _first_layer(layer: Layer, a: Fraction, b: Fraction) -> _State:
    """Pre-activations of the first layer on the single piece [a, b]."""
    D = math.lcm(a.denominator, b.denominator)
    Tl = [a.numerator * (D // a.denominator), b.numerator * (D // b.denominator)]
    T = np.array(Tl, dtype=object if max(map(abs, Tl)) >= _LIMIT else np.int64)
    w = layer.width
    W, dW = _int_params([row[0] for row in layer.weights], (w,))
    bb, db = _int_params(list(layer.biases), (w,))
    sk = layer.skip if layer.skip is not None else (_ZERO,) * w
    s, ds = _int_params(list(sk), (w,))
    C = math.lcm(dW, db, ds)
    c1 = _lin((W, C // dW), (s, C // ds))[None, :]
    c0 = _lin((bb, C // db))[None, :]
    st = _State(T, D, c0, c1, C, np.zeros((2, w), dtype=np.int64), C * D)
    st.P = _poly_at(st, np.array([0, 0]), T, C * D)
    return st


def _sparse_first(st: _State, layer: Layer, nxt: Layer, h0: Fraction) -> tuple[_State, int]:
    """From the first layer's pre-activations (one piece) straight to the next layer's.

    A first-layer neuron changes formula at most once (at its zero), so the next layer's
    pre-activations are a base row plus cumulative jumps: O(pieces x next width + first width x
    next width) work instead of materialising the dense first-layer activations.
    """
    kinds = np.array([_KIND[a] for a in layer.activations])
    has_h = bool((kinds == 2).any())
    C, D = st.C, st.D
    hd = h0.denominator if has_h else 1
    CA = math.lcm(C, hd)
    sc = CA // C
    h_num = int(h0 * CA)
    z0, z1 = st.c0[0], st.c1[0]
    # zeros of the nonlinear neurons with a nonzero slope: t = -z0 / z1
    sloped = np.nonzero((kinds != 0) & (z1 != 0))[0]
    num, den = _reduce(-z0[sloped], z1[sloped])
    D2 = math.lcm(D, *{int(d) for d in np.unique(den).tolist()}) if den.size else D
    grow = D2 // D
    # zeros may lie far outside the domain: bound them too (|num * (D2 // den)| <= |num| D2)
    big = max((_mx(st.T) + 1) * grow, D2, _mx(num) * D2) >= _LIMIT
    Tab, num, den = _cast(big, st.T, num, den)
    Ta, Tb = Tab[0] * grow, Tab[1] * grow  # numpy scalars: wrap them below, never in object
    Tz = num * (D2 // den)
    interior = (Tz > Ta) & (Tz < Tb)
    inner_knots = np.sort(Tz[interior])
    if inner_knots.size > 1:
        inner_knots = inner_knots[np.concatenate([[True], inner_knots[1:] != inner_knots[:-1]])]
    T = np.concatenate([np.array([int(Ta)], dtype=Tz.dtype), inner_knots,
                        np.array([int(Tb)], dtype=Tz.dtype)])
    K = len(T) - 1
    # formulas (over CA) left and right of each neuron's zero
    p0, p1 = _lin((z0, sc)), _lin((z1, sc))  # identity and ReLU on the positive side
    hpos = kinds == 2
    p0, p1 = _cast(p0.dtype == object or p1.dtype == object
                   or max(CA, abs(h_num)) >= _LIMIT, p0, p1)
    p0 = p0.copy()
    p1 = p1.copy()
    p0[hpos] = CA
    p1[hpos] = 0
    zero_form = np.zeros_like(p0)
    zero_form[hpos] = h_num
    L0, L1, R0, R1 = p0.copy(), p1.copy(), p0.copy(), p1.copy()  # identity: the same
    flat = (kinds != 0) & (z1 == 0)
    for arr0, arr1 in ((L0, L1), (R0, R1)):
        negc = flat & (z0 < 0)
        zc = flat & (z0 == 0)
        arr0[negc] = 0
        arr1[negc] = 0
        arr0[zc] = zero_form[zc]
        arr1[zc] = 0
    up = z1[sloped] > 0
    left_pos = ~up  # decreasing neuron: positive on the left of its zero
    at_or_before = Tz <= Ta  # the whole open domain is right of the zero
    at_or_after = Tz >= Tb  # ... left of the zero
    right_pos = up
    l_pos = np.where(at_or_before, right_pos, left_pos)
    r_pos = np.where(at_or_after, left_pos, right_pos)
    for arr0, arr1, flag in ((L0, L1, l_pos), (R0, R1, r_pos)):
        idx = sloped[~flag]
        arr0[idx] = 0
        arr1[idx] = 0
    # next layer: base row plus the jumps at the interior zeros
    W, dW = _int_params([w for row in nxt.weights for w in row], (nxt.width, nxt.input_width))
    bb, db = _int_params(list(nxt.biases), (nxt.width,))
    sk = nxt.skip if nxt.skip is not None else (_ZERO,) * nxt.width
    s, ds = _int_params(list(sk), (nxt.width,))
    C2 = math.lcm(CA * dW, db, ds)
    fw = C2 // (CA * dW)
    Wt = W.T
    base0 = _lin((_matmul(L0[None, :], Wt), fw), (bb[None, :], C2 // db))
    base1 = _lin((_matmul(L1[None, :], Wt), fw), (s[None, :], C2 // ds))
    units = sloped[interior]
    rows = np.searchsorted(T, Tz[interior])
    d0 = _jumps(K, rows, _lin((R0[units], 1), (L0[units], -1)), Wt[units], fw)
    d1 = _jumps(K, rows, _lin((R1[units], 1), (L1[units], -1)), Wt[units], fw)
    c0n = _lin((_cumsum(d0), 1), (base0, 1))
    c1n = _lin((_cumsum(d1), 1), (base1, 1))
    E2 = C2 * D2
    out = _State(T, D2, _shrink(c0n), _shrink(c1n), C2, np.zeros((0, 0)), E2)
    # point values: right limits (left limit at the right end), then Heaviside corrections
    P = _poly_at(out, np.concatenate([np.arange(K), [K - 1]]), T, E2)
    hz = hpos[sloped] & (Tz >= Ta) & (Tz <= Tb)
    if hz.any():
        hunits = sloped[hz]
        prow = np.searchsorted(T, Tz[hz])
        upz = z1[hunits] > 0
        limit = np.where(prow < K, upz, ~upz).tolist()  # H's one-sided limit
        # (h0 - limit) * hd in Python ints (hd may exceed int64), then int64 if it fits
        delta = _shrink(np.array([h0.numerator - int(v) * hd for v in limit], dtype=object))
        corr = _jumps(K + 1, prow, delta, Wt[hunits], E2 // (hd * dW))
        P = _lin((P, 1), (corr, 1))
    out.P = _shrink(P)
    return _apply_mask(out, _canonical_mask(out)), K


def _jumps(n: int, rows: np.ndarray, delta: np.ndarray, W: np.ndarray, f: int) -> np.ndarray:
    """An (n, width) array with ``delta[u] * W[u] * f`` added at ``rows[u]``."""
    width = W.shape[1]
    contrib = _outer_mul(delta, W, f)
    out = np.zeros((n, width), dtype=contrib.dtype)
    if rows.size:
        if contrib.dtype != object and _mx(contrib) * rows.size >= _LIMIT:
            contrib = contrib.astype(object)
            out = out.astype(object)
        np.add.at(out, rows, contrib)
    return out


def _outer_mul(j: np.ndarray, W: np.ndarray, f: int) -> np.ndarray:
    """``j[:, None] * W * f`` with the overflow guard (``W`` 2-d or broadcastable)."""
    mj, mw = _mx(j), _mx(W)
    big = max(mj * mw * abs(f), mj, mw, abs(f)) >= _LIMIT
    jj, WW = _cast(big, j, W)
    out = jj[:, None] * WW
    return out * f if f != 1 else out


def _cumsum(d: np.ndarray) -> np.ndarray:
    if d.dtype != object and _mx(d) * max(d.shape[0], 1) >= _LIMIT:
        d = d.astype(object)
    return np.cumsum(d, axis=0)


_KIND = {"identity": 0, "relu": 1, "heaviside": 2}


def _nonlinear(layer: Layer) -> np.ndarray:
    return np.array([a != "identity" for a in layer.activations], dtype=bool)


_FAST = True  # the fused kernel of exactmtl._intnet for continuous networks (tests switch it)


@_bulk
def _compile(net: Network, a: Fraction, b: Fraction, closed: bool) -> CompiledNetwork:
    if _FAST and _intnet.supported(net):
        arrs, total, layer_regions = _intnet.compile_continuous(net, a, b, closed, _LIMIT)
        return CompiledNetwork(tuple(Piecewise._from_arr(arr) for arr in arrs), total,
                               layer_regions, (a, b), closed)
    return _compile_general(net, a, b, closed)


def _compile_general(net: Network, a: Fraction, b: Fraction, closed: bool) -> CompiledNetwork:
    """The general engine (any activations and widths): the oracle of the fused kernel."""
    layers = net.layers
    h0 = net.h0
    st = _first_layer(layers[0], a, b)
    regions: list[int] = []
    if len(layers) > 1:
        st, k = _sparse_first(st, layers[0], layers[1], h0)
        regions.append(k)
        # now st holds the pre-activations of layers[1]
        for li in range(1, len(layers)):
            layer = layers[li]
            st = _refine(st, _nonlinear(layer))
            regions.append(st.pieces)
            st = _activate(st, layer.activations, h0)
            if li + 1 < len(layers):
                st = _affine(st, layers[li + 1])
    else:
        st = _refine(st, _nonlinear(layers[0]))
        regions.append(st.pieces)
        st = _activate(st, layers[0].activations, h0)
    _normalise_E(st)
    outputs, regions_out = _outputs(st, closed)
    return CompiledNetwork(tuple(outputs), regions_out, tuple(regions), (a, b), closed)


# --------------------------------------------------------------------------- Fractions, fast

_frac = _raw_fraction_factory()
_RAW = _frac.__name__ == "raw"
_NUM = operator.attrgetter("_numerator" if _RAW else "numerator")
_DEN = operator.attrgetter("_denominator" if _RAW else "denominator")


_fractions = _intcore_fractions  # exact num[i] / den, one shared object per distinct value


def _outputs(st: _State, closed: bool) -> tuple[list[Piecewise], int]:
    """One canonical Piecewise per neuron of the final state, and the joint region count.

    The results are held in the integer form of ``exactmtl._intcore`` (knots ``T / D``, piece
    ``(c0 D + c1 u) f / E`` in ``u = D x`` with ``f = E / (C D)``, values ``P / E``): no
    ``Fraction`` per piece is made until one is asked for.
    """
    from exactmtl import _intcore

    width = st.c0.shape[1]
    keeps = [_canonical_mask(st, np.array([j])) for j in range(width)]
    union = np.logical_or.reduce(keeps) if width > 1 else keeps[0]
    f = st.E // (st.C * st.D)
    outs = []
    for keep in keeps:
        idx = np.nonzero(keep)[0]
        pieces = idx[:-1]
        j = len(outs)
        A = _lin((st.c0[pieces, j], st.D * f))
        B = _lin((st.c1[pieces, j], f))
        vidx = idx if closed else idx[:-1]
        arr = _intcore.make(st.T[idx], st.D, A, B, st.P[vidx, j], st.E, closed)
        outs.append(Piecewise._from_arr(arr))
    return outs, int(np.count_nonzero(union)) - 1


def _trusted_piecewise(knots: list[Fraction], polys: list[tuple], values: list[Fraction],
                       closed: bool) -> Piecewise:
    """A Piecewise from data already in canonical form (the integer engine merged neighbours:
    the same rule as ``Piecewise._make``, checked against it in the tests)."""
    obj = Piecewise.__new__(Piecewise)
    obj._set(tuple(knots), tuple(polys), tuple(values), closed)
    return obj


# --------------------------------------------------------------------------- library networks

def telgarsky_network(k: int) -> Network:
    """Telgarsky's depth-``k``, width-2 ReLU network, equal to ``T^k`` on [0, 1] (§4.2).

    ``T(y) = 2 ReLU(y) - 4 ReLU(y - 1/2)`` applied ``k`` times, consecutive affine maps merged:
    ``2k`` hidden neurons and exactly ``5k`` nonzero weights and biases. ``k = 0`` is the
    identity network.

    >>> net = telgarsky_network(3)
    >>> net.widths, net(Fraction(1, 16))
    ((1, 2, 2, 2, 1), Fraction(1, 2))
    """
    k = check_level(k, "k")
    if k == 0:
        return Network([([[1]], [0], "identity")])
    layers: list[Any] = [([[1], [1]], [0, -_HALF], "relu")]
    for _ in range(k - 1):
        layers.append(([[2, -4], [2, -4]], [0, -_HALF], "relu"))
    layers.append(([[2, -4]], [0], "identity"))
    return Network(layers)


def heaviside_sawtooth_network(k: int) -> Network:
    """``S_k(x) = 2^k x - sum_{i=1}^{2^k-1} H(x - i 2^-k)`` on [0, 1) (claim A6).

    One hidden layer of ``2^k - 1`` Heaviside neurons; the slope ``2^k`` is a skip connection
    from the input to the output. ``k = 0`` is the identity network.

    >>> from exactmtl import sawtooth, equal
    >>> bool(equal(heaviside_sawtooth_network(3).to_piecewise(closed=False), sawtooth(3)))
    True
    """
    k = check_level(k, "k")
    size = 1 << k
    if k == 0:
        return Network([([[1]], [0], "identity")])
    thresholds = [_frac(-(c >> tz), size >> tz)
                  for c, tz in ((c, (c & -c).bit_length() - 1) for c in range(1, size))]
    one, minus = (_ONE,), -_ONE
    return Network([([one] * (size - 1), thresholds, "heaviside"),
                    ([[minus] * (size - 1)], [_ZERO], "identity", [Fraction(size)])])


def deep_sawtooth_network(k: int) -> Network:
    """``S_1`` composed ``k`` times, ``S_1(y) = 2y - H(y - 1/2)``: ``k`` Heaviside neurons.

    Each hidden layer has an identity neuron carrying ``y`` and one Heaviside neuron
    ``H(y - 1/2)``; the result equals ``S_k`` on [0, 1) (main construction §4.1, M29).

    >>> from exactmtl import sawtooth, equal
    >>> bool(equal(deep_sawtooth_network(4).to_piecewise(closed=False), sawtooth(4)))
    True
    """
    k = check_level(k, "k")
    if k == 0:
        return Network([([[1]], [0], "identity")])
    acts = ["identity", "heaviside"]
    layers: list[Any] = [([[1], [1]], [0, -_HALF], acts)]
    for _ in range(k - 1):
        layers.append(([[2, -1], [2, -1]], [0, -_HALF], acts))
    layers.append(([[2, -1]], [0], "identity"))
    return Network(layers)


def step_network(f: Piecewise) -> Network:
    """The one-hidden-layer Heaviside network realising ``f`` exactly on its domain.

    ``f`` must be a step function or piecewise linear with one common slope on every piece
    (then the slope is a skip connection from the input). A right-continuous jump at ``t`` uses
    one neuron ``H(x - t)``; a left-continuous one ``H(t - x)``; an isolated value two. With
    ``H(0) = 1`` this is the least possible number of neurons for right-continuous ``f``
    (pieces lemma: ``pieces - 1``).

    >>> from exactmtl import walsh, equal
    >>> net = step_network(walsh(3, order="sequency"))
    >>> net.size().neurons, bool(equal(net.to_piecewise(closed=False), walsh(3, "sequency")))
    (3, True)
    """
    f = as_piecewise(f, "f")
    if not isinstance(f, Piecewise):
        raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise")
    if f.degree > 1:
        raise InvalidArgument(f"f has degree {f.degree}; step_network needs pieces of degree "
                              "<= 1 with one common slope")
    slopes = {p[1] if len(p) > 1 else _ZERO for p in f.polys}
    if len(slopes) > 1:
        raise InvalidArgument(
            f"f has the slopes {sorted(slopes)}; a one-hidden-layer Heaviside network with a "
            "linear skip realises only one common slope")
    slope = slopes.pop()
    ks, ps, vs = f.knots, f.polys, f.values
    a, b = f.domain

    def icpt(p: tuple) -> Fraction:
        return p[0] if p else _ZERO

    rows: list[list[int]] = []
    biases: list[Fraction] = []
    out_w: list[Fraction] = []
    const = icpt(ps[0])

    def unit(sign: int, t: Fraction, weight: Fraction) -> None:
        rows.append([sign])
        biases.append(-t if sign > 0 else t)
        out_w.append(weight)

    right_a = _peval(ps[0], a)
    if vs[0] != right_a:  # isolated value at the left end: H(a - x) = [x = a]
        unit(-1, a, vs[0] - right_a)
    for i in range(1, len(ps)):
        t = ks[i]
        left, right, val = _peval(ps[i - 1], t), _peval(ps[i], t), vs[i]
        if val == right:
            unit(1, t, right - left)
        elif val == left:
            const += right - left
            unit(-1, t, left - right)
        else:
            unit(1, t, val - left)
            const -= val - right
            unit(-1, t, val - right)
    if f.closed:
        left_b = _peval(ps[-1], b)
        if vs[-1] != left_b:  # H(x - b) = [x = b] on the domain
            unit(1, b, vs[-1] - left_b)
    skip = [slope] if slope else None
    if not rows:
        return Network([([[slope]], [const], "identity")])
    out: tuple[Any, ...] = ([out_w], [const], "identity") + ((skip,) if skip else ())
    return Network([(rows, biases, "heaviside"), out])


def piecewise_linear_network(f: Piecewise) -> Network:
    """A one-hidden-layer network (ReLU and Heaviside units, linear skip) realising ``f`` exactly.

    ``f`` is any piecewise-linear :class:`Piecewise` (jumps and isolated values allowed). Write
    ``f = g + h``: ``g`` continuous with the slopes of ``f`` (``g = c + s_0 x + sum_i (s_i -
    s_(i-1)) ReLU(x - t_i)``: one ReLU unit per slope change, the first slope a skip
    connection) and ``h = f - g`` a step function (the Heaviside units of :func:`step_network`).
    Compile it on ``f.domain`` with ``closed=f.closed``.

    >>> from exactmtl import equal, sawtooth, walsh
    >>> g = walsh(3) * (2 * sawtooth(2) - 1)        # the readout g_{2,3} (main construction §2.7)
    >>> net = piecewise_linear_network(g)
    >>> sorted(set(net.layers[0].activations)), bool(equal(net.to_piecewise(closed=False), g))
    (['heaviside', 'relu'], True)
    """
    f = as_piecewise(f, "f")
    if not isinstance(f, Piecewise):
        raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise")
    if f.degree > 1:
        raise InvalidArgument(f"f has degree {f.degree}; a ReLU/Heaviside network realises "
                              "pieces of degree <= 1")
    ks, ps = f.knots, f.polys
    a = ks[0]
    slopes = [p[1] if len(p) > 1 else _ZERO for p in ps]
    pieces = [(_peval(ps[0], a) - slopes[0] * a, slopes[0])]
    for i in range(1, len(ps)):  # continuity of g at t_i
        c0, c1 = pieces[-1]
        pieces.append((c0 + (c1 - slopes[i]) * ks[i], slopes[i]))
    g = Piecewise.linear(ks[1:-1], pieces, f.domain, closed=f.closed)
    step = step_network(f - g)  # a step function: the slopes cancel
    rows: list[list[Any]] = []
    biases: list[Fraction] = []
    acts: list[str] = []
    out_w: list[Fraction] = []
    if step.depth:
        hidden, output = step.layers
        rows += [list(r) for r in hidden.weights]
        biases += hidden.biases
        acts += hidden.activations
        out_w += output.weights[0]
        const = output.biases[0]
    else:
        const = step.layers[0].biases[0]
    for i in range(1, len(ps)):
        if slopes[i] != slopes[i - 1]:
            rows.append([_ONE])
            biases.append(-ks[i])
            acts.append("relu")
            out_w.append(slopes[i] - slopes[i - 1])
    const += pieces[0][0]
    if not rows:
        return Network([([[slopes[0]]], [const], "identity")])
    skip = [slopes[0]] if slopes[0] else None
    out: tuple[Any, ...] = ([out_w], [const], "identity") + ((skip,) if skip else ())
    return Network([(rows, biases, acts), out])


def sawtooth_walsh_network(m: int, k: int) -> Network:
    """The readout ``g_{m,k}(y) = pal_k(y) (2 S_m(y) - 1)``, ``k < 2^m`` (§2.7), exactly.

    One hidden layer of ``2^m - 1`` units, one at each interior level-``m`` point ``c 2^-m``:
    where ``pal_k`` changes sign, ``g`` is continuous with slope ``±2^(m+1)`` turning over (a
    ReLU unit); where it keeps its sign, ``g`` jumps from 1 to -1 (a Heaviside unit). The first
    slope is a skip connection. Equal to ``g_{m,k}`` on [0, 1).

    >>> from exactmtl import equal, sawtooth_walsh
    >>> net = sawtooth_walsh_network(2, 3)                 # pal_3: signs + - - +
    >>> net.layers[0].activations, bool(equal(net.to_piecewise(closed=False),
    ...                                        sawtooth_walsh(2, 3)))
    (('heaviside', 'relu', 'relu'), True)
    """
    from exactmtl.bases import sawtooth, walsh

    m = check_level(m, "m")
    k = as_exact_int(k, "k", minimum=0, maximum=(1 << m) - 1)
    return piecewise_linear_network(walsh(k) * (2 * sawtooth(m) - 1))


def rademacher_network(k: int) -> Network:
    """The Heaviside network of ``r_k``: ``2^k - 1`` neurons, minimal at any depth.

    >>> rademacher_network(2).size().neurons
    3
    """
    from exactmtl.bases import rademacher

    return step_network(rademacher(k))


def walsh_network(m: int, order: str = "paley", level: int | None = None) -> Network:
    """The Heaviside network of a Walsh function: one neuron per sign change (minimal).

    ``wal_s`` (sequency order) needs exactly ``s`` neurons (main construction §4.2 item 3).

    >>> walsh_network(5, order="sequency").size().neurons
    5
    """
    from exactmtl.bases import walsh

    return step_network(walsh(m, order=order, level=level))


def staircase_network(m: int, q: int) -> Network:
    """The grid staircase ``St_{m,q}`` of ``T^m``: midpoint values on the level-``q`` cells.

    One hidden layer with thresholds ``c 2^-q`` for the ``c`` not divisible by ``2^(q-m)``
    (``2^q - 2^m`` neurons), output weights ``±2^(m-q)``, output bias ``2^(m-q-1)``; the sup
    distance to ``T^m`` is exactly ``2^(m-q-1)`` (main construction §4.2 item 2).

    >>> from exactmtl import triangle, sup_norm
    >>> net = staircase_network(2, 4)
    >>> net.size().neurons, sup_norm(net.to_piecewise() - triangle(2))
    (12, Fraction(1, 8))
    """
    m = check_level(m, "m")
    q = check_level(q, "q")
    if q < m:
        raise InvalidArgument(f"q={q} must be >= m={m} (the staircase refines the pieces of "
                              "T^m)")
    size = 1 << q
    values = [_triangle_value(m, Fraction(2 * c + 1, 2 * size)) for c in range(size)]
    step = 1 << (q - m)
    rows, biases, weights = [], [], []
    for c in range(1, size):
        if c % step:
            rows.append([1])
            biases.append(Fraction(-c, size))
            weights.append(values[c] - values[c - 1])
    if not rows:
        return Network([([[0]], [values[0]], "identity")])
    return Network([(rows, biases, "heaviside"), ([weights], [values[0]], "identity")])


def _triangle_value(m: int, x: Fraction) -> Fraction:
    """``T^m(x) = 2 dist(2^(m-1) x, Z)`` (m >= 1), ``x`` for m = 0."""
    if m == 0:
        return x
    y = x * (1 << (m - 1)) if m >= 1 else x
    fr = y - math.floor(y)
    return 2 * min(fr, 1 - fr)


# --------------------------------------------------------------------------- piece counts

def heaviside_piece_bound(net: Network) -> int:
    """``N_1 + 1``: the pieces lemma bound for a pure Heaviside network (§4.1, M26).

    A network whose hidden neurons are all Heaviside (no skip, no identity or ReLU hidden
    neurons) computes a step function with at most ``N_1 + 1`` pieces on any interval, at any
    depth, where ``N_1`` counts first-layer neurons with a nonzero weight on ``x``.

    >>> heaviside_piece_bound(rademacher_network(3))
    8
    """
    if not isinstance(net, Network):
        raise InvalidArgumentType(f"net has type {type(net).__name__}; expected a Network")
    if net.depth == 0:
        raise InvalidArgument("net has no hidden layer; the pieces lemma is about Heaviside "
                              "hidden layers")
    for i, layer in enumerate(net.layers):
        if layer.skip is not None and any(layer.skip):
            raise InvalidArgument(f"layer {i} has a skip connection; the pieces lemma holds "
                                  "for pure Heaviside networks")
        if i < net.depth and any(a != "heaviside" for a in layer.activations):
            raise InvalidArgument(f"layer {i} has activations {sorted(set(layer.activations))};"
                                  " the pieces lemma needs Heaviside hidden layers")
    return net.size().first_layer_units + 1


def _check_right_continuous_pl(f: Any) -> Piecewise:
    """A piecewise-linear ``f`` whose value at every knot is its right limit (jumps allowed;
    on a closed domain the value at the right end is free)."""
    f = as_piecewise(f, "f")
    if not isinstance(f, Piecewise):
        raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise")
    if f.degree > 1:
        raise InvalidArgument(f"f has degree {f.degree}; expected a piecewise-linear function")
    ks, ps, vs = f.knots, f.polys, f.values
    for i, t in enumerate(ks[:-1]):
        if vs[i] != _peval(ps[i], t):
            raise InvalidArgument(f"f is not right-continuous at x={t} (value {vs[i]}, right "
                                  f"limit {_peval(ps[i], t)}); optimal staircases are computed "
                                  "for right-continuous piecewise-linear functions")
    return f


def _check_eps(eps: Any) -> Fraction:
    e = as_exact(eps, "eps")
    if e <= 0:
        raise InvalidArgument(f"eps={e} must be > 0 (no finite staircase is exact on a "
                              "non-constant continuous function)")
    return e


# the last (f, eps, greedy pieces): optimal_staircase and optimal_staircase_pieces of one
# function and eps, asked one after the other, run the greedy scan once (f is immutable and kept
# alive here, so its identity is a safe key)
_GREEDY_LAST: list = [None, None, None]


def _greedy_cached(f: Piecewise, eps: Fraction) -> list[tuple[Fraction, Fraction, Fraction]]:
    last = _GREEDY_LAST
    if last[0] is f and last[1] == eps:
        return list(last[2])
    out = _greedy(f, eps)
    last[:] = [f, eps, tuple(out)]
    return out


def _greedy(f: Piecewise, eps: Fraction) -> list[tuple[Fraction, Fraction, Fraction]]:
    """Greedy maximal pieces ``(start, low, high)``: each extends while ``high - low <= 2 eps``.

    ``f`` is right-continuous piecewise linear: a jump at a knot ``u`` that would make the range
    exceed ``2 eps`` ends the piece at ``u`` (half-open pieces); for right-continuous ``f`` no
    partition into intervals of any kind (open or closed ends, as Heaviside units with
    negative input weights produce) has fewer pieces, because moving each boundary point into
    the piece on its right does not enlarge any range."""
    width = 2 * eps
    ks, ps = f.knots, f.polys
    start = ks[0]
    v0 = _peval(ps[0], start)
    lo = hi = v0
    out = []
    for i, p in enumerate(ps):
        u, v = ks[i], ks[i + 1]
        slope = p[1] if len(p) > 1 else _ZERO
        x = u
        fx = _peval(p, u)
        fv = _peval(p, v)
        if max(hi, fx) - min(lo, fx) > width:  # a jump at u: the piece ends at u
            out.append((start, lo, hi))
            start, lo, hi = u, fx, fx
        else:
            lo, hi = min(lo, fx), max(hi, fx)
        while True:
            nlo, nhi = min(lo, fv), max(hi, fv)
            if nhi - nlo <= width:
                lo, hi = nlo, nhi
                break
            # first point after x where the range reaches exactly 2 eps
            target = lo + width if slope > 0 else hi - width
            xb = x + (target - fx) / slope
            out.append((start, min(lo, target), max(hi, target)))
            start, x, fx = xb, xb, target
            lo = hi = target
    if f.closed:  # the value at the right end (free when f jumps there)
        end = f.values[-1]
        if max(hi, end) - min(lo, end) > width:
            out.append((start, lo, hi))
            start, lo, hi = ks[-1], end, end
        else:
            lo, hi = min(lo, end), max(hi, end)
    out.append((start, lo, hi))
    return out


def optimal_staircase(f: Piecewise, eps: Any) -> Piecewise:
    """A step function with the least number of pieces within sup distance ``eps`` of ``f``.

    ``f`` is piecewise linear and right-continuous (jumps allowed, e.g. the task outputs
    ``g_{m,k} o h_sigma``); the greedy choice (extend each piece as far as the range of ``f`` on
    it stays <= ``2 eps``, value the midpoint of that range) is optimal in one dimension and
    computed exactly. The result has ``f``'s domain (half-open; when a closed ``f`` jumps at its
    right end, the extra one-point piece counted by :func:`optimal_staircase_pieces` is left out).

    >>> from exactmtl import triangle, sup_norm
    >>> s = optimal_staircase(triangle(1), Fraction(1, 5))
    >>> s.pieces, sup_norm(s - triangle(1).restrict(0, 1)) <= Fraction(1, 5)
    (5, True)
    """
    f = _check_right_continuous_pl(f)
    e = _check_eps(eps)
    pieces = _greedy_cached(f, e)
    if len(pieces) > 1 and pieces[-1][0] == f.knots[-1]:
        pieces = pieces[:-1]
    breaks = [s for s, _, _ in pieces[1:]]
    return Piecewise.step(breaks, [(lo + hi) / 2 for _, lo, hi in pieces], f.domain)


def optimal_staircase_pieces(f: Piecewise, eps: Any) -> int:
    """The least number of constant pieces of a step function within ``eps`` of ``f`` (exact).

    ``f`` is right-continuous piecewise linear; jumps are allowed (a jump larger than ``2 eps``
    forces a new piece), so the discontinuous task outputs of the construction are covered.

    >>> from exactmtl import triangle, sawtooth
    >>> [optimal_staircase_pieces(triangle(3), Fraction(1, 2 * q)) for q in (1, 2, 3)]
    [1, 9, 17]
    >>> optimal_staircase_pieces(sawtooth(1), Fraction(1, 4))   # 2 pieces per tooth
    4
    """
    f = _check_right_continuous_pl(f)
    return len(_greedy_cached(f, _check_eps(eps)))


def triangle_staircase_pieces(k: int, eps: Any) -> int:
    """Closed form: ``2^k (ceil(1/(2 eps)) - 1) + 1`` pieces for ``T^k`` within ``eps``.

    Valid for every ``k >= 0`` and every rational ``eps > 0`` (1 piece when ``eps >= 1/2``).
    Proof: each of the ``2^k`` monotone segments of ``T^k`` has range ``[0, 1]``, and a piece's
    image on it is an interval of length ``<= 2 eps``, so ``>= ceil(1/(2 eps))`` pieces meet each
    segment; a piece meets two segments only by containing one of the ``2^k - 1`` turning
    points, so there are ``>= 2^k ceil(1/(2 eps)) - (2^k - 1)`` pieces. Conversely, cut every
    segment's range into ``ceil(1/(2 eps))`` intervals of length ``<= 2 eps`` with the top one at
    every peak and the bottom one at every valley shared by the two segments that meet there.

    >>> triangle_staircase_pieces(3, Fraction(1, 5)), triangle_staircase_pieces(3, 1)
    (17, 1)
    """
    k = check_level(k, "k")
    e = _check_eps(eps)
    q = math.ceil(1 / (2 * e))
    return (1 << k) * (q - 1) + 1


def triangle_staircase_units(m: int, eps: Any) -> int:
    """Lemma T: ``U*(m, eps) = 2^m (ceil(1/(2 eps)) - 1)`` first-layer Heaviside units.

    The least first-layer width of a Heaviside network of any depth within sup distance
    ``eps`` of ``T^m`` on [0, 1] (pieces lemma plus :func:`triangle_staircase_pieces`); 0 when
    ``eps >= 1/2``. For ``eps = 2^(m-q-1)`` it is ``2^q - 2^m``, attained by
    :func:`staircase_network`.

    >>> triangle_staircase_units(2, Fraction(1, 8)), 2**4 - 2**2
    (12, 12)
    """
    return triangle_staircase_pieces(m, eps) - 1


def midpoint_staircase(f: Piecewise, level: int) -> Piecewise:
    """The step function with value ``f((c + 1/2) 2^-level)`` on each level-``level`` cell.

    ``f`` must be defined on [0, 1).

    >>> from exactmtl import triangle
    >>> midpoint_staircase(triangle(1), 2).values
    (Fraction(1, 4), Fraction(3, 4), Fraction(1, 4))
    """
    f = as_piecewise(f, "f")
    if not isinstance(f, Piecewise):
        raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise")
    n = check_level(level, "level")
    if f.domain != (_ZERO, _ONE):
        raise InvalidArgument(f"f has domain {f.domain}; midpoint_staircase works on [0, 1)")
    size = 1 << n
    return Piecewise.on_grid([f(Fraction(2 * c + 1, 2 * size)) for c in range(size)])
