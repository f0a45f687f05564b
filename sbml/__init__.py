"""mbaxis ``sbml``: translation of the network to and from SBML and related formats.

The exporters are being built (see the project's issues); this package exists now so that the
layer contract ``network <- sbml <- analysis`` is enforced from the start.
"""

__all__: list[str] = []
