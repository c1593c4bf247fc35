"""Student's t distribution (tail, density, quantile) in plain Python, for confidence
intervals without SciPy. Checked against published tables and numpy in the tests."""

from __future__ import annotations

import functools
import math
from statistics import NormalDist

_EPS = 1e-15
_TINY = 1e-300


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError("incomplete beta did not converge")  # pragma: no cover


def regularized_beta(a: float, b: float, x: float, y: float | None = None) -> float:
    """I_x(a, b); pass y = 1 - x when it can be computed more precisely than 1 - x."""
    if y is None:
        y = 1.0 - x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, y) / b


def t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for Student's t with df degrees of freedom (df > 0, may be fractional)."""
    if math.isinf(df):
        return NormalDist().cdf(-t)
    if t < 0:
        return 1.0 - t_upper_tail(-t, df)
    t2 = t * t
    return 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_density(t: float, df: float) -> float:
    if math.isinf(df):
        return math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with df degrees of freedom.

    df may be fractional (Welch) or math.inf (standard normal). Exact closed forms for
    df 1 and 2; otherwise Newton's method on the upper tail, kept inside a bisection
    bracket, to full double precision.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if math.isnan(df) or df <= 0:
        raise ValueError("df must be positive")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if math.isinf(df):
        return NormalDist().inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2.0 * p - 1.0) / math.sqrt(2.0 * p * (1.0 - p))
    q = 1.0 - p
    low, high = 0.0, max(1.0, NormalDist().inv_cdf(p))
    while t_upper_tail(high, df) > q:
        low, high = high, high * 2.0
    t = (low + high) / 2.0
    for _ in range(200):
        tail = t_upper_tail(t, df)
        if tail > q:
            low = t
        else:
            high = t
        step = (tail - q) / t_density(t, df)
        candidate = t + step
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        if abs(candidate - t) <= 1e-14 * max(1.0, abs(t)):
            return candidate
        t = candidate
    return t  # pragma: no cover
