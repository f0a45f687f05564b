"""mbaxis ``analysis``: experiments run on the model, and the studies that ask questions of it.

Three kinds of module: the experiment language (protocols, perturbations, subjects,
observations, statistics, scenarios), the engine (simulation, the compiled-model cache,
evaluation, the executor) and the studies (knock-outs, sensitivity, validation, structure).

Examples
--------
>>> from mbaxis.network import load_model
>>> from mbaxis.analysis import simulate, parse_protocol, parse_perturbation
>>> course = simulate(load_model(), [parse_protocol("lactate_infusion(duration_min=60)")],
...                   [parse_perturbation("knockout(plasma__CTSB)")], t_end=240)
>>> round(float(course["plasma__lactate"].max()), 1)
4.7
"""

import lazy_loader

if __name__ != "mbaxis.analysis":
    # The folder sits at the top of the repository, where `import analysis` could find it; the
    # installed name is the only one its imports work under.
    raise ImportError(f"import mbaxis.analysis, not {__name__} (the layers install under mbaxis)")

# Names load on first use (SPEC 1), so importing one module does not import them all; the stub
# beside this file lists them for readers and type checkers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
