"""The normalised regulation terms from which every rate law of mbaxis is built.

Each term multiplies a rate and equals exactly 1 when its regulator sits at its resting level,
so the resting levels of the tables are a steady state by construction. This is the
indirect-response (turnover) formalism of quantitative systems pharmacology (Dayneka, Garg &
Jusko 1993, J Pharmacokinet Biopharm 21:457, DOI:10.1007/BF01061691), with the stimulation and
inhibition functions written relative to the resting level so that inputs resting at zero and
species resting above zero obey one rule.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["activation", "hill_occupancy", "inhibition", "proportional", "signed_regulation"]


def hill_occupancy(x: sp.Expr, ec50: sp.Expr, hill: sp.Expr) -> sp.Expr:
    r"""Fractional occupancy :math:`H(x) = x^n / (K^n + x^n)`, between 0 and 1.

    Written as :math:`(|x|/K)^n / (1 + (|x|/K)^n)`, so that the power acts on a dimensionless
    ratio and exported SBML passes unit checks whatever the Hill coefficient. The absolute value
    changes nothing for a level at or above zero; it is there because an amount decaying to zero
    (a drug cleared after its last dose) dips below it by the integrator's tolerance, and a
    negative number to a non-integer power is not a real number: one NaN and CVODE stops.

    Examples
    --------
    >>> x, k, n = sp.symbols("x k n", positive=True)
    >>> hill_occupancy(k, k, n)
    1/2
    """
    ratio = (sp.Abs(x) / ec50) ** hill
    return ratio / (1 + ratio)


def activation(x: sp.Expr, x_rest: sp.Expr, emax: sp.Expr, ec50: sp.Expr, hill: sp.Expr) -> sp.Expr:
    r"""Stimulation of a rate by a regulator, normalised to 1 at rest.

    .. math:: A(x) = \frac{1 + E\,H(x)}{1 + E\,H(x_0)}

    with :math:`H` the Hill occupancy, :math:`E \ge 0` the maximal relative stimulation
    (``emax``), :math:`K` the half-maximal regulator level (``ec50``, in the regulator's unit)
    and :math:`x_0` the regulator's resting level. At :math:`x = x_0` the term is 1; with the
    regulator absent it falls to :math:`1/(1 + E\,H(x_0))`; saturated it tends to
    :math:`(1 + E)/(1 + E\,H(x_0))`. For an input (:math:`x_0 = 0`) it reads
    :math:`1 + E\,H(x)`. Source: the stimulation function of the indirect-response model
    (Dayneka et al. 1993, DOI:10.1007/BF01061691), normalised to the resting level.

    Examples
    --------
    >>> x, k = sp.symbols("x k", positive=True)
    >>> activation(x, x, 3, k, 1)
    1
    """
    if x_rest == 0:  # an input: H(x0) = 0, the normaliser is 1
        return 1 + emax * hill_occupancy(x, ec50, hill)
    return (1 + emax * hill_occupancy(x, ec50, hill)) / (
        1 + emax * hill_occupancy(x_rest, ec50, hill)
    )


def inhibition(x: sp.Expr, x_rest: sp.Expr, imax: sp.Expr, ec50: sp.Expr, hill: sp.Expr) -> sp.Expr:
    r"""Inhibition of a rate by a regulator, normalised to 1 at rest.

    .. math:: I(x) = \frac{1 - I_{max}\,H(x)}{1 - I_{max}\,H(x_0)}

    with :math:`0 \le I_{max} < 1` the largest fraction of the rate the regulator can remove
    (``emax`` of an inhibitory edge). The term is 1 at rest, rises to
    :math:`1/(1 - I_{max} H(x_0))` when the regulator is absent and falls towards
    :math:`(1 - I_{max})/(1 - I_{max} H(x_0))` at saturation; it stays positive. Source: the
    inhibition function of the indirect-response model (Dayneka et al. 1993,
    DOI:10.1007/BF01061691), normalised to the resting level.

    Examples
    --------
    >>> x, k = sp.symbols("x k", positive=True)
    >>> inhibition(x, x, sp.Rational(1, 2), k, 1)
    1
    """
    if x_rest == 0:  # an input: H(x0) = 0, the normaliser is 1
        return 1 - imax * hill_occupancy(x, ec50, hill)
    return (1 - imax * hill_occupancy(x, ec50, hill)) / (
        1 - imax * hill_occupancy(x_rest, ec50, hill)
    )


def signed_regulation(
    x: sp.Expr, x_rest: sp.Expr, sign: sp.Expr, emax: sp.Expr, ec50: sp.Expr, hill: sp.Expr
) -> sp.Expr:
    r"""Activation or inhibition chosen by a sign parameter :math:`s = \pm 1`.

    .. math:: R(x) = \frac{1 + s\,E\,H(x)}{1 + s\,E\,H(x_0)}

    With :math:`s = 1` this is :func:`activation`, with :math:`s = -1` :func:`inhibition`
    (:math:`E` then the largest fraction removed, below 1). One compiled model then serves every
    assignment of signs, which is what the sign-shuffled null model of the validation needs.

    Examples
    --------
    >>> x, k = sp.symbols("x k", positive=True)
    >>> x0 = sp.Integer(2)
    >>> sp.simplify(signed_regulation(x, x0, -1, sp.Rational(1, 2), k, 1)
    ...             - inhibition(x, x0, sp.Rational(1, 2), k, 1))
    0
    """
    if x_rest == 0:  # an input: H(x0) = 0, the normaliser is 1
        return 1 + sign * emax * hill_occupancy(x, ec50, hill)
    return (1 + sign * emax * hill_occupancy(x, ec50, hill)) / (
        1 + sign * emax * hill_occupancy(x_rest, ec50, hill)
    )


def proportional(x: sp.Expr, x_rest: sp.Expr, slope: sp.Expr, sign: sp.Expr = 1) -> sp.Expr:
    r"""A rate that grows in proportion to its regulator, normalised to 1 at rest.

    .. math:: P(x) = \left(\frac{1 + g\,x}{1 + g\,x_0}\right)^{s}

    with :math:`g \ge 0` the ``slope`` (the relative rise of the rate per unit of the regulator,
    which is dimensionless) and :math:`s = \pm 1` the sign. For a ``+`` edge the rate rises
    linearly with :math:`x` and does not saturate, what a Hill term only approaches with its
    ``ec50`` far above the regulator's range; for a ``-`` edge it falls as the inverse, which
    stays positive. With :math:`s` a parameter one compiled model serves both signs, as
    :func:`signed_regulation` does for the Hill terms.

    Examples
    --------
    >>> x, g = sp.symbols("x g", positive=True)
    >>> proportional(x, x, g)
    1
    >>> one = sp.Integer(1)
    >>> proportional(3, one, one), proportional(3, one, one, sign=-1)
    (2, 1/2)
    """
    return ((1 + slope * x) / (1 + slope * x_rest)) ** sign
