"""mbaxis ``sbml``: the model as SBML L3V2 core, SBML-qual, Antimony and GraphML, and back.

Examples
--------
>>> from mbaxis.network import load_model
>>> from mbaxis.sbml import write_sbml, read_sbml_string
>>> model = load_model()
>>> read_sbml_string(write_sbml(model)) == model
True
"""

import lazy_loader

if __name__ != "mbaxis.sbml":
    # The folder sits at the top of the repository, where `import sbml` could find it; the
    # installed name is the only one its imports work under.
    raise ImportError(f"import mbaxis.sbml, not {__name__} (the layers install under mbaxis)")

# Names load on first use (SPEC 1), so importing one module does not import them all; the stub
# beside this file lists them for readers and type checkers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
