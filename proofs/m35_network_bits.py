"""M35 -- network-side lower bounds: 2^B functions per B bits; the explicit networks' bit counts.

Statement   (a) Counting lemma: if the weights of networks of one architecture (known to the
            decoder) are written with a prefix-free code, at most 2^B networks, hence at most
            2^B functions, have descriptions of <= B bits (Kraft: sum_l N_l 2^-l <= 1). So if
            every member of a class C is eps-approximated by such a network of <= B bits, the
            realised functions are an eps-cover and B >= L(eps, C): separate networks need
            sum_t B_t >= L_sep(eps), one joint network B >= L_joint(eps).
            (b) The explicit Heaviside networks of §4.4 at eps = 2^(m-p) (depth n <= 4, and
            infinite depth with sigma truncated at level p): max over sigma of Network.bits
            (elias-gamma) is >= L_joint (joint) and >= L(eps, C_t) per task (separate), as (a)
            demands; the joint network costs at most 50 p L_joint,oo(2^(m-p)) bits (a factor
            O(log 1/eps), cf. the O(W log W) network codes of Elbrächter et al.) on the range
            checked (below 7 p L at p = 10, and falling), and the ratio separate/joint of the
            bit counts rises with p towards T (above 7T/8 at p = 10 for T = 2, 4): the first
            layer and the digit units are paid once jointly, T times separately.
Check       (a) every 1-unit network v H(w x + b) + c whose four parameters cost <= B bits in the
            elias-gamma-dyadic code, odd B <= 15: the networks and their exactly compiled functions
            (Network.to_piecewise) number <= 2^B, and the exact Kraft sum of their codewords
            is <= 1. (b) joint_separate_costs for n = 2 (every
            sigma), n = 3, 4 (seeded sigma), m <= min(n, 2), K = {0..2^m - 1}, p = max(n, m+1)
            .. n + 1; the code lengths from Theorem A/B (exact or the lower bound) at depth n and
            Theorem B at n = oo; ratio and factor as stated; n = p = 4..10, m = 1, 2 for the
            limits.
Range       B <= 15; n <= 4, p <= n + 1, and n = p <= 10 (default); --full: B <= 17,
            p <= n + 2.
Falsifier   a code that is not prefix-free (every bit string of length <= B names a constant)
            realises 2^(B+1) - 1 > 2^B functions (rejected); the ratio claimed to reach T at
            p = m + 1 (rejected).
Source      arXiv 2606.16028, main construction §3.1 (networks to bits), §4.4 (joint versus
            separate H-nets) (docs/main_construction.md)
Provenance  derived
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from exactmtl.closed_forms import code_length_bounds
from exactmtl.construction import random_sigma
from exactmtl.construction_networks import joint_separate_costs
from exactmtl.networks import Network
from exactmtl.prefixcodes import rational_code_length
from exactmtl.proofcheck import Claim, expect, progress
from exactmtl.rates import task_scaling

CLAIM = Claim("M35", "networks in B bits realise <= 2^B functions; explicit network bit counts")

CODE = "elias-gamma-dyadic"


def _values_by_length(top: int) -> dict[int, list[Fraction]]:
    """Every dyadic rational with code length <= top, grouped by length."""
    out: dict[int, set[Fraction]] = {}
    for a in range(0, 2 ** (top // 2) + 1):
        for e in range(0, top // 2 + 1):
            for s in (1, -1):
                v = Fraction(s * a, 2 ** e)
                n = rational_code_length(v, CODE)
                if n <= top:
                    out.setdefault(n, set()).add(v)
    return {k: sorted(v) for k, v in out.items()}


def _count_prefix_networks(budget: int) -> tuple[int, int]:
    """(networks, distinct functions) among v H(w x + b) + c with <= budget bits; the exact
    Kraft sum of their (concatenated) codewords is checked to be <= 1 on the way."""
    by_len = _values_by_length(budget)
    lengths = sorted(by_len)
    nets = 0
    kraft = Fraction(0)
    funcs = set()
    for combo in itertools.product(lengths, repeat=4):
        if sum(combo) > budget:
            continue
        for w, b, v, c in itertools.product(*(by_len[n] for n in combo)):
            nets += 1
            kraft += Fraction(1, 2 ** sum(combo))
            f = Network([([[w]], [b], "heaviside"), ([[v]], [c], "identity")])
            funcs.add(f.to_piecewise(closed=False))
    expect(kraft <= 1, "Kraft sum of the network code above 1", B=budget, kraft=kraft)
    return nets, len(funcs)


def _check_counting(budget: int, counter=_count_prefix_networks) -> dict:
    nets, funcs = counter(budget)
    expect(funcs <= nets <= 2 ** budget, "more than 2^B networks/functions within B bits",
           B=budget, networks=nets, functions=funcs)
    return {"networks": nets, "functions": funcs, "2^B": 2 ** budget}


def check_counting_lemma(full: bool = False) -> dict:
    top = 17 if full else 15
    return {f"B={b}": _check_counting(b) for b in progress(range(1, top + 1, 2), "B")}


def _sigmas(n: int) -> list[int]:
    if n <= 2:
        return list(range(2 ** (2 ** n - 1)))
    return [random_sigma(n, seed=s) for s in range(4)]


def _check_networks(n: int, m: int, ps, ratio_floor=None) -> dict:
    ks = list(range(2 ** m))
    T = len(ks)
    rows = []
    last_ratio = Fraction(0)
    for p in ps:
        costs = [joint_separate_costs(s, n, m, ks, p) for s in _sigmas(n)]
        jb = max(c.joint_bits for c in costs)
        sb = max(c.separate_bits for c in costs)
        eps = Fraction(2 ** m, 2 ** p)
        finite = code_length_bounds(n, m, ks, eps)
        expect(jb >= finite.joint[0] and sb >= finite.separate[0],
               "network bits below the code length (counting lemma)", n=n, m=m, p=p)
        inf = task_scaling(T, eps) if T > 1 else None
        lower_inf = 2 ** p - 2 ** m
        if inf is not None:
            expect(inf.joint[0] == lower_inf, "Theorem B at n = oo, j = p - m", p=p, m=m)
        if n == p:  # the networks also approximate the infinite-depth class (sigma truncated)
            expect(jb >= lower_inf and sb >= T * lower_inf,
                   "network bits below L_oo (counting lemma)", n=n, m=m, p=p)
            expect(jb <= 50 * p * lower_inf, "joint network above 50 p L_joint,oo", n=n, m=m,
                   p=p, bits=jb, L=lower_inf)
        ratio = Fraction(sb, jb)
        expect(1 < ratio < T or T == 1, "separate/joint bit ratio outside (1, T)", n=n, m=m,
               p=p, ratio=ratio)
        expect(ratio >= last_ratio, "separate/joint bit ratio decreases with p", n=n, m=m, p=p)
        if ratio_floor is not None:
            expect(ratio >= ratio_floor(T), "ratio below the claimed floor", n=n, m=m, p=p,
                   ratio=ratio)
        last_ratio = ratio
        rows.append({"p": p, "joint_bits": jb, "separate_bits": sb, "L_joint": finite.joint,
                     "L_sep": finite.separate, "L_joint_oo_lower": lower_inf,
                     "ratio": f"{float(ratio):.3f}"})  # float: display only
    return {"rows": rows}


def check_explicit_networks(full: bool = False) -> dict:
    out = {}
    extra = 2 if full else 1
    for n in progress((2, 3, 4), "n"):
        for m in range(1, min(n, 2) + 1):
            ps = list(range(max(n, m + 1), n + extra + 1))
            out[f"n={n},m={m}"] = _check_networks(n, m, ps)
    return out


def check_ratio_towards_t() -> dict:
    """n = p (the infinite-depth class, sigma truncated at level p), p = 4..10, seeded sigma."""
    out = {}
    for m in (1, 2):
        ks = list(range(2 ** m))
        T = len(ks)
        last_ratio, last_factor = Fraction(0), None
        for p in range(max(4, m + 1), 11):
            c = joint_separate_costs(random_sigma(p, seed=1), p, m, ks, p)
            ratio = Fraction(c.separate_bits, c.joint_bits)
            factor = Fraction(c.joint_bits, p * (2 ** p - 2 ** m))
            expect(last_ratio < ratio < T, "ratio not increasing below T", m=m, p=p)
            if p >= 6:
                expect(factor < last_factor, "bits / (p L_joint,oo) not decreasing", m=m, p=p)
            last_ratio, last_factor = ratio, factor
        expect(ratio > Fraction(7 * T, 8), "ratio at p = 10 not within T/8 of T", m=m,
               ratio=ratio)
        expect(factor < 7, "joint bits above 7 p L_joint,oo at p = 10", m=m, factor=factor)
        out[f"m={m},T={T}"] = {"ratio_p10": f"{float(ratio):.4f}",  # float: display only
                              "bits_over_pL_p10": f"{float(factor):.4f}"}
    return out


def _count_non_prefix(budget: int) -> tuple[int, int]:
    """Every bit string s of length <= budget names the constant int('1' + s, 2) - 1."""
    values = {int("1" + "".join(bits), 2) - 1 for length in range(budget + 1)
              for bits in itertools.product("01", repeat=length)}
    return len(values), len(values)


def falsify_non_prefix_code() -> None:
    _check_counting(9, counter=_count_non_prefix)


def falsify_ratio_reaches_t_early() -> None:
    _check_networks(2, 1, [2], ratio_floor=lambda T: Fraction(T))
