"""A checked wrapper for libsbml setters, which report failure by return code, not exception."""

from __future__ import annotations

import libsbml

from mbaxis.sbml.errors import SBMLError

__all__ = ["check"]


def check(code: int | None, what: str) -> None:
    """Raise :class:`SBMLError` naming ``what`` unless ``code`` is libsbml's success code.

    Setters that return nothing (``None``) pass.

    Examples
    --------
    >>> check(libsbml.LIBSBML_OPERATION_SUCCESS, "set id")
    >>> check(libsbml.LIBSBML_INVALID_ATTRIBUTE_VALUE, "set id of 'x y'")
    Traceback (most recent call last):
    ...
    mbaxis.sbml.errors.SBMLError: libsbml could not set id of 'x y': ...
    """
    if code is None or code == libsbml.LIBSBML_OPERATION_SUCCESS:
        return
    reason = libsbml.OperationReturnValue_toString(code) or f"return code {code}"
    raise SBMLError(f"libsbml could not {what}: {reason}")
