"""mbaxis: a mechanistic model of the exercise muscle–brain axis.

The everyday surface: load the model, simulate protocols under perturbations, and ask the
questions of the studies (knock-outs, sensitivity, validation). Everything here is also
importable from the layer it lives in: :mod:`mbaxis.network` (the model as tables, graph and
equations), :mod:`mbaxis.sbml` (SBML and friends), :mod:`mbaxis.analysis` (experiments and
studies); this package's own modules are the presentation layer (the ``mbaxis`` command, the
report, plots and the interactive view).

Examples
--------
>>> import mbaxis
>>> model = mbaxis.load_model()
>>> course = mbaxis.simulate(model, [mbaxis.parse_protocol("aerobic(duration_min=40)")])
>>> bool(course["serum__BDNF"].max() > course["serum__BDNF"].iloc[0])
True
"""

import lazy_loader

if __name__ != "mbaxis":
    # The folder sits at the top of the repository, where `import presentation` could find it;
    # it installs as the package `mbaxis` itself.
    raise ImportError(f"import mbaxis, not {__name__} (presentation/ installs as mbaxis)")

__version__ = "0.2.0"

# Names load on first use (SPEC 1): `mbaxis --help` and `import mbaxis` import nothing heavy.
# The stub beside this file lists them for readers and type checkers.
__getattr__, __dir__, _lazy_names = lazy_loader.attach_stub(__name__, __file__)
__all__ = [*_lazy_names, "__version__"]
