"""mbaxis ``network``: the curated exercise muscle–brain axis as data, graph and equations.

Examples
--------
>>> from mbaxis.network import load_model, to_digraph, build_equations
>>> model = load_model()
>>> graph = to_digraph(model)
>>> equations = build_equations(model)
"""

import lazy_loader

if __name__ != "mbaxis.network":
    # The folder sits at the top of the repository, where `import network` could find it; the
    # installed name is the only one its imports work under.
    raise ImportError(f"import mbaxis.network, not {__name__} (the layers install under mbaxis)")

# Names load on first use (SPEC 1), so importing one module does not import them all; the stub
# beside this file lists them for readers and type checkers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
