"""Student t quantiles, checked against the printed table and independent computations."""

from __future__ import annotations

import math

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.core.t_distribution import t_density, t_quantile, t_upper_tail

# One-sided quantiles 0.90, 0.95, 0.975, 0.99, 0.995 as printed in the standard table
# (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2), to 3 decimals.
LEVELS = (0.90, 0.95, 0.975, 0.99, 0.995)
TABLE: dict[float, tuple[float, ...]] = {
    1: (3.078, 6.314, 12.706, 31.821, 63.657),
    2: (1.886, 2.920, 4.303, 6.965, 9.925),
    3: (1.638, 2.353, 3.182, 4.541, 5.841),
    4: (1.533, 2.132, 2.776, 3.747, 4.604),
    5: (1.476, 2.015, 2.571, 3.365, 4.032),
    6: (1.440, 1.943, 2.447, 3.143, 3.707),
    7: (1.415, 1.895, 2.365, 2.998, 3.499),
    8: (1.397, 1.860, 2.306, 2.896, 3.355),
    9: (1.383, 1.833, 2.262, 2.821, 3.250),
    10: (1.372, 1.812, 2.228, 2.764, 3.169),
    11: (1.363, 1.796, 2.201, 2.718, 3.106),
    12: (1.356, 1.782, 2.179, 2.681, 3.055),
    13: (1.350, 1.771, 2.160, 2.650, 3.012),
    14: (1.345, 1.761, 2.145, 2.624, 2.977),
    15: (1.341, 1.753, 2.131, 2.602, 2.947),
    16: (1.337, 1.746, 2.120, 2.583, 2.921),
    17: (1.333, 1.740, 2.110, 2.567, 2.898),
    18: (1.330, 1.734, 2.101, 2.552, 2.878),
    19: (1.328, 1.729, 2.093, 2.539, 2.861),
    20: (1.325, 1.725, 2.086, 2.528, 2.845),
    21: (1.323, 1.721, 2.080, 2.518, 2.831),
    22: (1.321, 1.717, 2.074, 2.508, 2.819),
    23: (1.319, 1.714, 2.069, 2.500, 2.807),
    24: (1.318, 1.711, 2.064, 2.492, 2.797),
    25: (1.316, 1.708, 2.060, 2.485, 2.787),
    26: (1.315, 1.706, 2.056, 2.479, 2.779),
    27: (1.314, 1.703, 2.052, 2.473, 2.771),
    28: (1.313, 1.701, 2.048, 2.467, 2.763),
    29: (1.311, 1.699, 2.045, 2.462, 2.756),
    30: (1.310, 1.697, 2.042, 2.457, 2.750),
    40: (1.303, 1.684, 2.021, 2.423, 2.704),
    60: (1.296, 1.671, 2.000, 2.390, 2.660),
    120: (1.289, 1.658, 1.980, 2.358, 2.617),
    math.inf: (1.282, 1.645, 1.960, 2.326, 2.576),
}


@pytest.mark.parametrize("df", list(TABLE))
def test_quantiles_match_the_printed_table_to_three_decimals(df):
    for level, printed in zip(LEVELS, TABLE[df], strict=True):
        assert abs(t_quantile(level, df) - printed) <= 0.0005 + 1e-12, (df, level)
        assert t_quantile(1 - level, df) == pytest.approx(-t_quantile(level, df), abs=1e-12)


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.999, 0.999999])
def test_closed_forms_for_one_two_and_four_degrees_of_freedom(p):
    # df 1 (Cauchy) and 2 are computed from closed forms inside t_quantile; check them
    # against the general tail function, and df 4 against its own closed form.
    for df in (1, 2):
        assert t_upper_tail(t_quantile(p, df), df) == pytest.approx(1 - p, rel=1e-9)
    alpha = 4 * p * (1 - p)
    q = math.cos(math.acos(math.sqrt(alpha)) / 3) / math.sqrt(alpha)
    assert t_quantile(p, 4) == pytest.approx(2 * math.sqrt(q - 1), rel=1e-9)


def numeric_upper_tail(t: float, df: float) -> float:
    """P(T > t) by integrating the density with numpy (substitution u = atan(x) for the
    infinite range): independent of the incomplete beta function."""
    u = numpy.linspace(math.atan(t), math.pi / 2, 50_001)[:-1]
    x = numpy.tan(u)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    density = numpy.exp(log_norm - (df + 1) / 2 * numpy.log1p(x * x / df)) / numpy.cos(u) ** 2
    return float(numpy.trapezoid(density, u))


@settings(max_examples=15, deadline=None)
@given(
    p=st.floats(min_value=0.55, max_value=0.995),
    df=st.floats(min_value=1.5, max_value=200.0),
)
def test_quantile_inverts_an_independent_numeric_integral(p, df):
    t = t_quantile(p, df)
    assert numeric_upper_tail(t, df) == pytest.approx(1 - p, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(p=st.floats(min_value=1e-6, max_value=1 - 1e-6), df=st.floats(min_value=0.3, max_value=1e6))
def test_quantile_is_the_inverse_of_the_tail(p, df):
    t = t_quantile(p, df)
    assert t_upper_tail(t, df) == pytest.approx(1 - p, rel=1e-8, abs=1e-14)


def test_density_integrates_to_one_and_large_df_tends_to_normal():
    grid = numpy.linspace(-60, 60, 400_001)
    for df in (1.5, 3, 30):
        values = numpy.array([t_density(float(x), df) for x in grid[::50]])
        assert float(numpy.trapezoid(values, grid[::50])) == pytest.approx(1.0, abs=2e-3)
    assert t_quantile(0.975, 1e9) == pytest.approx(t_quantile(0.975, math.inf), abs=1e-6)


def test_quantiles_grow_as_degrees_of_freedom_shrink():
    values = [t_quantile(0.975, df) for df in (1, 1.5, 2, 3, 5, 10, 30, 1000, math.inf)]
    assert values == sorted(values, reverse=True)
    assert t_quantile(0.5, 7) == 0.0


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (0.5, 0), (0.5, -1), (0.5, math.nan)])
def test_invalid_arguments_are_refused(p, df):
    with pytest.raises(ValueError, match="must be"):
        t_quantile(p, df)
