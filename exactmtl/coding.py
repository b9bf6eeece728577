"""Exact minimax code length of finite classes; joint versus separate bits of the construction.

The home of every coding name used so far, now a re-export of two modules with one job each:

* :mod:`exactmtl.covering` -- generic finite classes in the sup norm: exact distances,
  covering / packing numbers, certificates, curves, the sandwich (searches in
  :mod:`exactmtl.colouring`);
* :mod:`exactmtl.construction_coding` -- the reference construction: its classes
  (:func:`output_table`, :func:`feature_class`), ``L_sep`` / ``L_joint`` with their routes.

Imports point one way (``construction_coding -> closed_forms -> construction`` and
``construction_coding -> covering -> colouring``); nothing imports this module.

>>> from fractions import Fraction as Fr
>>> from exactmtl import Piecewise
>>> fs = [Piecewise.on_grid(v) for v in ([0, 0], [0, 1], [1, 0], [1, 1])]
>>> code_length(fs, Fr(1, 4)), code_length(fs, Fr(1, 2)), code_length(fs, Fr(1, 2), "N")
(2, 0, 1)
>>> print(format_curve(code_length_curve(fs)))
[0,1/2): 2; >=1/2: 0
>>> K = [0, 1, 2, 3]
>>> separate_bits(n=3, m=2, ks=K, eps=Fr(1, 4)), joint_bits(n=3, m=2, ks=K, eps=Fr(1, 4))
(21, 7)
"""

from __future__ import annotations

from exactmtl.construction_coding import (
    HEADS,
    MAX_BRUTE_DEPTH,
    ROUTES,
    BitsReport,
    OutputTable,
    bits_reports,
    bounds_table,
    feature_class,
    joint_bits,
    joint_bits_report,
    output_table,
    separate_bits,
    separate_bits_report,
)
from exactmtl.covering import (
    CONVENTIONS,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_NODE_LIMIT,
    MATRIX_LIMIT,
    CertificateCheck,
    CodeLengthCertificate,
    CurveSegment,
    FiniteClass,
    Sandwich,
    bits_from_count,
    code_length,
    code_length_certificate,
    code_length_curve,
    covering_curve,
    covering_number,
    format_curve,
    midpoint_centre,
    packing_number,
    sandwich,
    sup_distance,
    verify_cover,
    verify_packing,
)

__all__ = [
    "CONVENTIONS",
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_NODE_LIMIT",
    "HEADS",
    "MATRIX_LIMIT",
    "MAX_BRUTE_DEPTH",
    "ROUTES",
    "BitsReport",
    "CertificateCheck",
    "CodeLengthCertificate",
    "CurveSegment",
    "FiniteClass",
    "OutputTable",
    "Sandwich",
    "bits_from_count",
    "bits_reports",
    "bounds_table",
    "code_length",
    "code_length_certificate",
    "code_length_curve",
    "covering_curve",
    "covering_number",
    "feature_class",
    "format_curve",
    "joint_bits",
    "joint_bits_report",
    "midpoint_centre",
    "output_table",
    "packing_number",
    "sandwich",
    "separate_bits",
    "separate_bits_report",
    "sup_distance",
    "verify_cover",
    "verify_packing",
]
