"""Statistical physics of multi-task classifiers (companions §D.4, arXiv 1910.13593).

Teacher-student setting (companions §D.4, after the authors' public code): two linear
teachers on x ~ N(0, I_d) whose K-dimensional input subspaces overlap by ``rho`` (teacher b's
rows are rho * (teacher a's rows) + sqrt(1 - rho^2) * (orthogonal rows)), strengths ``s_a``,
``s_b``; labels are the argmax of noisy logits s M x + noise * xi. The student has a shared linear
trunk and one softmax head per task. The multi-task benefit is the single-task minus the
multi-task validation loss of task a: positive when training with task b helps task a.

Exact building blocks (sympy):

* the spiked rectangular matrix X = theta u v^T + G (n x m, G_ij ~ N(0, 1/m), c = n/m <= 1),
  Benaych-Georges and Nadakuditi (2012): above the threshold theta > c^(1/4) the top singular
  value tends to sqrt((1 + theta^2)(c + theta^2)) / theta and the squared overlaps to
  1 - c (1 + theta^2) / (theta^2 (theta^2 + c)) (left, u in R^n) and
  1 - (c + theta^2) / (theta^2 (theta^2 + 1)) (right, v in R^m); below it, 1 + sqrt(c) and 0, 0
  (:func:`spiked_rectangular`);
* the two-task top eigenvalue of s_a^2 v_a v_a^T + s_b^2 v_b v_b^T with q = <v_a, v_b>:
  lambda+ = (s_a^2 + s_b^2 + sqrt((s_a^2 - s_b^2)^2 + 4 s_a^2 s_b^2 q^2)) / 2 -- pooling
  (s_a^2 + s_b^2) at q = 1, none (max(s_a^2, s_b^2)) at q = 0 (:func:`two_task_top_eigenvalue`).

Simulations (numpy, seeded, the numeric path): :func:`simulate_spiked_rectangular`,
:func:`simulate_two_task_eigenvalue`, :func:`simulate_teacher_student`,
:func:`simulate_multitask_benefit` (sign pattern: a related clean task helps, an unrelated
clean task hurts).

>>> two_task_top_eigenvalue(2, 1, Fraction(1, 2))
sqrt(13)/2 + 5/2
>>> compare_top_eigenvalue(2, 1, Fraction(1, 2), Fraction(43, 10))   # lambda+ > 4.3
1
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact, as_exact_int, check_budget, checked_args
from exactmtl.errors import InvalidArgument
from exactmtl.jointsep import JointSeparateReport

__all__ = [
    "SpikedLimits",
    "compare_top_eigenvalue",
    "joint_vs_separate",
    "simulate_multitask_benefit",
    "simulate_spiked_rectangular",
    "simulate_teacher_student",
    "simulate_two_task_eigenvalue",
    "spiked_rectangular",
    "spiked_rectangular_formulas",
    "two_task_signal_matrix",
    "two_task_top_eigenvalue",
]


def _rat(value: Fraction) -> Any:
    import sympy

    return sympy.Rational(value.numerator, value.denominator)


# --------------------------------------------------------------------------- spiked matrices


def spiked_rectangular_formulas() -> dict[str, Any]:
    """The above-threshold limits as sympy expressions in ``theta`` and ``c`` (both positive).

    >>> f = spiked_rectangular_formulas()
    >>> f["sigma"]
    sqrt(c + theta**2)*sqrt(theta**2 + 1)/theta
    """
    import sympy

    theta, c = sympy.symbols("theta c", positive=True)
    t2 = theta ** 2
    return {
        "theta": theta,
        "c": c,
        "threshold": c ** sympy.Rational(1, 4),
        "sigma": sympy.sqrt((1 + t2) * (c + t2)) / theta,
        "bulk_edge": 1 + sympy.sqrt(c),
        "overlap_left": 1 - c * (1 + t2) / (t2 * (t2 + c)),
        "overlap_right": 1 - (c + t2) / (t2 * (t2 + 1)),
    }


@dataclass(frozen=True)
class SpikedLimits:
    """Exact large-n limits for one spiked rectangular matrix (overlaps are rational)."""

    theta: Fraction
    c: Fraction
    above_threshold: bool
    sigma: Any
    overlap_left: Fraction
    overlap_right: Fraction


def spiked_rectangular(theta: Any, c: Any) -> SpikedLimits:
    """Limits of the top singular value and squared overlaps for X = theta u v^T + G, exactly.

    ``theta`` >= 0 and 0 < ``c`` = n/m <= 1 are exact rationals; the threshold test
    theta > c^(1/4) is decided as theta^4 > c (exact).

    >>> r = spiked_rectangular(2, Fraction(1, 4))
    >>> r.above_threshold, r.sigma, r.overlap_left, r.overlap_right
    (True, sqrt(85)/4, Fraction(63, 68), Fraction(63, 80))
    """
    import sympy

    th = as_exact(theta, "theta")
    cc = as_exact(c, "c")
    if th < 0:
        raise InvalidArgument(f"theta={th}; expected theta >= 0 (the spike strength)")
    if not 0 < cc <= 1:
        raise InvalidArgument(f"c={cc}; expected 0 < c <= 1 (c = n/m, n <= m)")
    if th ** 4 > cc:
        f = spiked_rectangular_formulas()
        sub = {f["theta"]: _rat(th), f["c"]: _rat(cc)}
        left = sympy.Rational(f["overlap_left"].subs(sub))
        right = sympy.Rational(f["overlap_right"].subs(sub))
        return SpikedLimits(th, cc, True, f["sigma"].subs(sub), Fraction(int(left.p), int(left.q)),
                            Fraction(int(right.p), int(right.q)))
    return SpikedLimits(th, cc, False, 1 + sympy.sqrt(_rat(cc)), Fraction(0), Fraction(0))


@checked_args(lambda a: check_budget("ops", a["n"] * a["m"] * min(a["n"], a["m"]),
                                       "simulate_spiked_rectangular (SVD work)"),
              theta="float>=0", n="int>=1", m="int>=1", seed="seed")
def simulate_spiked_rectangular(theta: float, n: int, m: int, *, seed: int = 0
                                ) -> dict[str, float]:
    """One draw of X = theta u v^T + G (G_ij ~ N(0, 1/m)): top singular value and squared
    overlaps of the top singular vectors with u, v (numpy, seeded; numeric path).

    >>> r = simulate_spiked_rectangular(2.0, 20, 40, seed=0)
    >>> sorted(r), r == simulate_spiked_rectangular(2.0, 20, 40, seed=0)
    (['overlap_left', 'overlap_right', 'sigma'], True)
    """
    import numpy as np

    n = as_exact_int(n, "n", minimum=1)
    m = as_exact_int(m, "m", minimum=n)
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(n)
    u /= np.linalg.norm(u)
    v = rng.standard_normal(m)
    v /= np.linalg.norm(v)
    X = float(theta) * np.outer(u, v) + rng.standard_normal((n, m)) / np.sqrt(m)  # float ok
    evals, evecs = np.linalg.eigh(X @ X.T)  # n <= m: the top left singular pair of X
    sigma = float(np.sqrt(evals[-1]))  # float ok (numeric path)
    left = evecs[:, -1]
    right = X.T @ left / sigma
    return {"sigma": sigma, "overlap_left": float((left @ u) ** 2),  # float ok (numeric path)
            "overlap_right": float((right @ v) ** 2)}  # float ok (numeric path)


# --------------------------------------------------------------------------- two tasks


def _two_task_args(s_a: Any, s_b: Any, q: Any) -> tuple[Fraction, Fraction, Fraction]:
    a, b, qq = as_exact(s_a, "s_a"), as_exact(s_b, "s_b"), as_exact(q, "q")
    if not -1 <= qq <= 1:
        raise InvalidArgument(f"q={qq}; expected an overlap of unit vectors, -1 <= q <= 1")
    return a, b, qq


def two_task_signal_matrix(s_a: Any, s_b: Any, q: Any) -> Any:
    """The 2 x 2 matrix [[s_a^2, q s_a s_b], [q s_a s_b, s_b^2]], rational: it has the same
    nonzero eigenvalues as S = s_a^2 v_a v_a^T + s_b^2 v_b v_b^T (S = V D V^T and
    D^(1/2) V^T V D^(1/2) share their nonzero spectrum).

    >>> two_task_signal_matrix(2, 1, Fraction(1, 2))
    Matrix([
    [4, 1],
    [1, 1]])
    """
    import sympy

    a, b, q = _two_task_args(s_a, s_b, q)
    return sympy.Matrix([[_rat(a * a), _rat(q * a * b)], [_rat(q * a * b), _rat(b * b)]])


def two_task_top_eigenvalue(s_a: Any, s_b: Any, q: Any) -> Any:
    """lambda+ = (s_a^2 + s_b^2 + sqrt((s_a^2 - s_b^2)^2 + 4 s_a^2 s_b^2 q^2)) / 2, exact.

    >>> two_task_top_eigenvalue(2, 1, Fraction(1, 2))
    sqrt(13)/2 + 5/2
    >>> two_task_top_eigenvalue(2, 1, 1), two_task_top_eigenvalue(2, 1, 0)
    (5, 4)
    """
    import sympy

    a, b, q = _two_task_args(s_a, s_b, q)
    A, B = a * a, b * b
    disc = (A - B) ** 2 + 4 * A * B * q * q
    return (_rat(A + B) + sympy.sqrt(_rat(disc))) / 2


def compare_top_eigenvalue(s_a: Any, s_b: Any, q: Any, threshold: Any) -> int:
    """Sign of lambda+ - threshold (-1, 0, 1), decided exactly in rationals.

    lambda+ > r  <=>  sqrt(D) > e with D = (A - B)^2 + 4 A B q^2, e = 2r - A - B: true when
    e < 0, else compare D with e^2 (both sides nonnegative, so squaring keeps the order).

    >>> compare_top_eigenvalue(2, 1, Fraction(1, 2), 4), compare_top_eigenvalue(2, 1, 1, 5)
    (1, 0)
    """
    a, b, q = _two_task_args(s_a, s_b, q)
    r = as_exact(threshold, "threshold")
    A, B = a * a, b * b
    D = (A - B) ** 2 + 4 * A * B * q * q
    e = 2 * r - A - B
    if e < 0:
        return 1
    return (D > e * e) - (D < e * e)


@checked_args(lambda a: check_budget("ops", (a["n"] + a["d"]) * a["d"] * a["d"],
                                       "simulate_two_task_eigenvalue (covariance work)"),
              s_a="float", s_b="float", q="float[-1,1]", d="int>=2", n="int>=1",
              noise="float>=0", seed="seed")
def simulate_two_task_eigenvalue(s_a: float, s_b: float, q: float, *, d: int = 50,
                                 n: int = 10000, noise: float = 1.0, seed: int = 0) -> float:
    """Top eigenvalue of C_a + C_b - 2 noise^2 I, C_t the sample covariance of n samples
    x = s_t z v_t + noise * g (z ~ N(0,1), g ~ N(0, I_d)), |v_t| = 1, <v_a, v_b> = q.
    Tends to :func:`two_task_top_eigenvalue` as n / d grows (numpy, seeded; numeric path).

    >>> lam = simulate_two_task_eigenvalue(2.0, 1.0, 0.5, d=5, n=200, seed=0)
    >>> lam == simulate_two_task_eigenvalue(2.0, 1.0, 0.5, d=5, n=200, seed=0)
    True
    """
    import numpy as np

    d = as_exact_int(d, "d", minimum=2)
    n = as_exact_int(n, "n", minimum=1)
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, 2)))
    va = Q[:, 0]
    vb = q * Q[:, 0] + np.sqrt(max(0.0, 1 - q * q)) * Q[:, 1]
    C = -2 * noise ** 2 * np.eye(d)
    for s, v in ((s_a, va), (s_b, vb)):
        X = s * np.outer(rng.standard_normal(n), v) + noise * rng.standard_normal((n, d))
        C += X.T @ X / n
    return float(np.linalg.eigvalsh(C)[-1])  # float ok (numeric path)


# --------------------------------------------------------------------------- report


def joint_vs_separate(s_a: Any = 2, s_b: Any = 1, q: Any = Fraction(1, 2)
                      ) -> tuple[JointSeparateReport, ...]:
    """D.4 row: top signal eigenvalue pooled over both tasks (joint) versus the best single
    task, max(s_a^2, s_b^2) (separate). Higher is better. Equal iff q s_a s_b = 0.

    >>> r, = joint_vs_separate(); print(r.joint, r.separate, r.equal)
    sqrt(13)/2 + 5/2 4 False
    """
    a, b, qq = _two_task_args(s_a, s_b, q)
    return (JointSeparateReport(
        "arXiv 1910.13593 (companions §D.4)", f"two teachers, s_a={a}, s_b={b}, overlap q={qq}",
        "top signal eigenvalue (higher is better)", two_task_top_eigenvalue(a, b, qq),
        max(a * a, b * b),
        "q s_a s_b = 0 (orthogonal teachers)", prefer="higher",
        notes="lambda+ = max(s_a^2, s_b^2) at q = 0, s_a^2 + s_b^2 at q = 1"),)


# --------------------------------------------------------------------------- teacher-student


@checked_args(lambda a: check_budget("ops", a["n"] * a["d"] * a["classes"] * 4,
                                       "simulate_teacher_student (samples x logits)"),
              n="int>=1", d="int>=2", classes="int>=2", rho="float[-1,1]", s_a="float",
              s_b="float", noise_a="float>=0", noise_b="float>=0", seed="seed")
def simulate_teacher_student(n: int, *, d: int = 40, classes: int = 3, rho: float = 1.0,
                             s_a: float = 2.0, s_b: float = 4.0, noise_a: float = 1.0,
                             noise_b: float = 0.0, seed: int = 0) -> dict[str, Any]:
    """Draw n labelled samples of each task from the two-teacher generator (numpy, seeded).

    Teacher a has orthonormal rows M_a (classes x d); teacher b has
    M_b = rho M_a + sqrt(1 - rho^2) M_perp (M_perp orthonormal, orthogonal to M_a), so
    M_a M_b^T = rho I. Labels: argmax(s M x + noise xi), xi ~ N(0, I). The teachers depend on
    ``seed`` only, so calls with the same seed and different n share them.

    >>> data = simulate_teacher_student(5, d=8, classes=2, rho=0.5, seed=1)
    >>> data["a"][0].shape, sorted(set(data["b"][1].tolist())) <= [0, 1]
    ((5, 8), True)
    """
    import numpy as np

    n = as_exact_int(n, "n", minimum=1)
    d = as_exact_int(d, "d", minimum=2)
    classes = as_exact_int(classes, "classes", minimum=2)
    if 2 * classes > d:
        raise InvalidArgument(f"d={d} < 2 * classes={2 * classes}; expected room for two "
                              "orthogonal teacher subspaces")
    if not -1 <= rho <= 1:
        raise InvalidArgument(f"rho={rho}; expected -1 <= rho <= 1")
    trng = np.random.default_rng([seed, 0])
    Q, _ = np.linalg.qr(trng.standard_normal((d, 2 * classes)))
    Ma, Mp = Q[:, :classes].T, Q[:, classes:].T
    Mb = rho * Ma + np.sqrt(1 - rho * rho) * Mp
    rng = np.random.default_rng([seed, 1, n])

    def draw(M: Any, s: float, noise: float) -> tuple[Any, Any]:
        X = rng.standard_normal((n, d))
        logits = s * X @ M.T + noise * rng.standard_normal((n, classes))
        return X, logits.argmax(axis=1)

    return {"a": draw(Ma, s_a, noise_a), "b": draw(Mb, s_b, noise_b), "M_a": Ma, "M_b": Mb}


def _cross_entropy(Z: Any, y: Any) -> tuple[float, Any]:
    import numpy as np

    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(P[np.arange(len(y)), y] + 1e-300))), P  # float ok (numeric path)


def _train(sets: list, d: int, classes: int, trunk: int, steps: int, lr: float, wd: float,
           seed: int) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    p = {"R": rng.standard_normal((trunk, d)) * 0.1}
    for t in range(len(sets)):
        p[f"H{t}"] = rng.standard_normal((classes, trunk)) * 0.1
        p[f"c{t}"] = np.zeros(classes)
    m1 = {k: np.zeros_like(v) for k, v in p.items()}
    m2 = {k: np.zeros_like(v) for k, v in p.items()}
    for step in range(1, steps + 1):
        g = {k: np.zeros_like(v) for k, v in p.items()}
        for t, (X, y) in enumerate(sets):
            h = X @ p["R"].T
            _, P = _cross_entropy(h @ p[f"H{t}"].T + p[f"c{t}"], y)
            P[np.arange(len(y)), y] -= 1
            P /= len(y)
            g[f"H{t}"] += P.T @ h
            g[f"c{t}"] += P.sum(axis=0)
            g["R"] += (P @ p[f"H{t}"]).T @ X
        for k in p:
            if not k.startswith("c"):
                g[k] += wd * p[k]
            m1[k] = 0.9 * m1[k] + 0.1 * g[k]
            m2[k] = 0.999 * m2[k] + 0.001 * g[k] ** 2
            p[k] -= lr * (m1[k] / (1 - 0.9 ** step)) / (np.sqrt(m2[k] / (1 - 0.999 ** step))
                                                        + 1e-8)
    return p


@checked_args(lambda a: check_budget(
    "ops", (a["steps"] * (a["n_a"] + a["n_b"]) + a["n_val"]) * a["d"] * a["classes"] * 4,
    "simulate_multitask_benefit (steps x samples x logits)"),
    rho="float[-1,1]", n_a="int>=1", n_b="int>=1", d="int>=2", classes="int>=2", s_a="float",
    s_b="float", noise_a="float>=0", noise_b="float>=0", steps="int>=1", lr="float>0",
    weight_decay="float>=0", n_val="int>=1", seed="seed")
def simulate_multitask_benefit(rho: float, *, n_a: int = 60, n_b: int = 600, d: int = 40,
                               classes: int = 3, s_a: float = 2.0, s_b: float = 4.0,
                               noise_a: float = 1.0, noise_b: float = 0.0, steps: int = 300,
                               lr: float = 0.02, weight_decay: float = 0.1, n_val: int = 4000,
                               seed: int = 0) -> dict[str, float]:
    """Multi-task benefit for task a = single-task minus multi-task validation loss (numpy).

    Student: linear trunk R (classes x d, a bottleneck as wide as one teacher) and a softmax head
    per task, trained by full-batch Adam with weight decay on R and the heads; single-task on
    task a's n_a samples, multi-task on those plus task b's n_b samples (same initialisation).
    Validation: cross-entropy on n_val fresh samples of task a. Numeric path, seeded.
    Expect benefit > 0 for a related clean task b (rho = 1) and < 0 for an unrelated one (rho=0).

    >>> r = simulate_multitask_benefit(1.0, n_a=10, n_b=20, d=8, steps=5, n_val=50, seed=0)
    >>> sorted(r), r["benefit"] == r["single"] - r["multi"]
    (['benefit', 'multi', 'rho', 'single'], True)
    """
    n_a = as_exact_int(n_a, "n_a", minimum=1)
    n_b = as_exact_int(n_b, "n_b", minimum=1)
    steps = as_exact_int(steps, "steps", minimum=1)
    common = {"d": d, "classes": classes, "rho": rho, "s_a": s_a, "s_b": s_b,
              "noise_a": noise_a, "noise_b": noise_b, "seed": seed}
    train_a = simulate_teacher_student(n_a, **common)["a"]
    train_b = simulate_teacher_student(n_b, **common)["b"]
    Xv, yv = simulate_teacher_student(n_val, **common)["a"]
    init = 1000 + seed
    single = _train([train_a], d, classes, classes, steps, lr, weight_decay, init)
    multi = _train([train_a, train_b], d, classes, classes, steps, lr, weight_decay, init)

    def val(p: dict) -> float:
        return _cross_entropy(Xv @ p["R"].T @ p["H0"].T + p["c0"], yv)[0]

    ls, lm = val(single), val(multi)
    return {"rho": float(rho), "single": ls, "multi": lm, "benefit": ls - lm}  # float ok
