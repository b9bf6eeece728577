"""An exact batched forward pass of a :class:`~exactmtl.networks.Network`, independent of its
compiler and of ``Network.evaluate``: the second route the proofs A6 and M26 check compiled
networks against.

>>> from fractions import Fraction
>>> from exactmtl import telgarsky_network
>>> forward_pass(telgarsky_network(2), [Fraction(0), Fraction(1, 8), Fraction(1, 2)])
[(Fraction(0, 1),), (Fraction(1, 2),), (Fraction(0, 1),)]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from exactmtl.networks import Network

__all__ = ["forward_pass"]


def forward_pass(net: Network, xs: list[Fraction]) -> list[tuple[Fraction, ...]]:
    """The exact forward pass of ``net`` at every point of ``xs`` at once: each layer's
    pre-activations ``W a + S x + b`` as Python integers over one denominator per layer
    (independent of the compiler and of ``Network.evaluate``)."""
    den = math.lcm(*(x.denominator for x in xs))
    xn = np.array([x.numerator * (den // x.denominator) for x in xs], dtype=object)
    a, a_den = xn[None, :], den  # activations: one row per neuron, one column per point
    for layer in net.layers:
        params = layer.parameters()
        d = math.lcm(*(v.denominator for v in params))

        def ints(vals, d=d):
            return np.array([v.numerator * (d // v.denominator) for v in vals], dtype=object)

        w = ints([v for row in layer.weights for v in row]).reshape(layer.width, -1)
        z = w.dot(a) * den  # over d * a_den * den
        if layer.skip is not None:
            z = z + ints(layer.skip)[:, None] * xn[None, :] * a_den
        z = z + ints(layer.biases)[:, None] * (a_den * den)
        z_den = d * a_den * den
        h0 = net.h0
        if z_den % h0.denominator:  # H(0) over the layer's denominator
            z, z_den = z * h0.denominator, z_den * h0.denominator
        at0 = h0.numerator * (z_den // h0.denominator)
        out = np.empty_like(z)
        for i, act in enumerate(layer.activations):
            if act == "identity":
                out[i] = z[i]
            elif act == "relu":
                out[i] = np.where(z[i] > 0, z[i], np.zeros_like(z[i]))
            else:  # Heaviside: 1, 0 or H(0), over the same denominator
                row = np.full(z.shape[1], at0, dtype=object)
                row[z[i] > 0] = z_den
                row[z[i] < 0] = 0
                out[i] = row
        a, a_den = out, z_den
    return [tuple(Fraction(int(v), a_den) for v in col) for col in a.T]
