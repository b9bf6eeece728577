"""Companion results, one module each (docs/companions.md): ``exactmtl.companions.<name>``.

- ``pacbayes``: certified kl, kl-inverse, Occam/PAC-Bayes and multi-task description-length
  bounds (D.1, arXiv 2501.19067); enclosures from :mod:`exactmtl.certified`.
- ``intrinsic_dim``: amortised intrinsic dimension lk/n + k and the exact manifold dimension
  k(l + n - k) of the shared parametrisation (D.1).
- ``representation``: two-layer ReLU multi-task representation learning (D.2, arXiv 2307.06887).
- ``vector_tv``: vector total variation and the 1-D interpolation
  certificate (D.3, arXiv 2112.15577).
- ``statphys``: teacher-student statistical physics of multi-task
  classifiers (D.4, arXiv 1910.13593).

Each fills in an :class:`exactmtl.jointsep.JointSeparateReport` (D.5).
"""
