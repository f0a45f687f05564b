"""Printing sympy rate laws as SBML Level 3 infix formulas, with units on every number.

libsbml parses the printed string into MathML (``parseL3FormulaWithSettings``). Every literal
number is written with ``dimensionless`` units (``1 dimensionless``) so that libsbml's unit
checks can follow every expression; the natural logarithm prints as ``ln``, since ``log`` in
the L3 syntax is base 10.
"""

from __future__ import annotations

import libsbml
import sympy as sp
from sympy.printing.str import StrPrinter

from mbaxis.sbml.errors import SBMLError

__all__ = ["to_l3_formula", "to_math_ast"]


class _L3Printer(StrPrinter):  # type: ignore[misc]  # sympy ships no type hints
    """sympy's infix printer, adjusted to the SBML L3 formula syntax."""

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.as_base_exp()
        if exponent == -1:
            return f"1 dimensionless / {self.parenthesize(base, 100)}"
        return f"pow({self._print(base)}, {self._print(exponent)})"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return f"{int(expr)} dimensionless"

    def _print_Float(self, expr: sp.Float) -> str:
        return f"{float(expr)!r} dimensionless"

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"({expr.p} dimensionless / {expr.q} dimensionless)"

    def _print_log(self, expr: sp.log) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return str(expr.name)


def to_l3_formula(expr: sp.Expr) -> str:
    """Print ``expr`` in the SBML L3 infix syntax.

    Examples
    --------
    >>> x, k = sp.symbols("x k")
    >>> to_l3_formula(sp.log(2) / k * x**2)
    'pow(x, 2 dimensionless)*ln(2 dimensionless)/k'
    """
    return str(_L3Printer().doprint(expr))


def to_math_ast(expr: sp.Expr, where: str) -> libsbml.ASTNode:
    """Parse ``expr`` into a libsbml MathML tree; ``where`` names the element for errors."""
    settings = libsbml.L3ParserSettings()
    settings.setParseUnits(True)
    settings.setParseLog(libsbml.L3P_PARSE_LOG_AS_LN)
    formula = to_l3_formula(expr)
    ast = libsbml.parseL3FormulaWithSettings(formula, settings)
    if ast is None:
        raise SBMLError(f"cannot write the math of {where}: {libsbml.getLastParseL3Error()}")
    return ast
