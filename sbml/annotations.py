"""MIRIAM URIs and the mbaxis annotation that carries the table fields SBML has no place for.

Species keep their identifiers as ``bqbiol:is`` terms and reactions their references as
``bqmodel:isDescribedBy`` terms (identifiers.org URIs). What SBML cannot express (a species'
kind, resting range and sources; an edge's sign, mechanism and evidence; a parameter's bounds
and source) is written as attributes of elements in the :data:`NAMESPACE` namespace, so that
:func:`sbml.read_sbml` can rebuild the exact model.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "NAMESPACE",
    "PREFIX",
    "curie_to_uri",
    "element",
    "reference_to_uri",
    "uri_to_curie",
    "xhtml_notes",
]

NAMESPACE = "urn:mbaxis:tables:1"
PREFIX = "mbaxis"
_IDENTIFIERS = "https://identifiers.org/"

# Table CURIE prefix -> identifiers.org prefix (the case identifiers.org expects).
_CURIE_PREFIXES = {"uniprot": "uniprot:", "chebi": "CHEBI:", "go": "", "uberon": ""}
# Ontologies whose identifiers carry their own namespace (GO:0022008, UBERON:0009050): the
# identifiers.org URI has no extra prefix, and the table CURIE adds the lower-case one back.
_EMBEDDED = ("GO", "UBERON")


def curie_to_uri(curie: str) -> str:
    """An identifiers.org URI for a table CURIE.

    Examples
    --------
    >>> curie_to_uri("chebi:16651")
    'https://identifiers.org/CHEBI:16651'
    >>> curie_to_uri("go:GO:0022008")
    'https://identifiers.org/GO:0022008'
    """
    prefix, _, local = curie.partition(":")
    if prefix not in _CURIE_PREFIXES:
        return f"{_IDENTIFIERS}{curie}"
    return f"{_IDENTIFIERS}{_CURIE_PREFIXES[prefix]}{local}"


def uri_to_curie(uri: str) -> str:
    """The table CURIE of an identifiers.org URI (inverse of :func:`curie_to_uri`).

    Examples
    --------
    >>> uri_to_curie(curie_to_uri("go:GO:0022008"))
    'go:GO:0022008'
    """
    local = uri.removeprefix(_IDENTIFIERS)
    for prefix, written in _CURIE_PREFIXES.items():
        if written and local.startswith(written):
            return f"{prefix}:{local.removeprefix(written)}"
    namespace = local.partition(":")[0]
    if namespace in _EMBEDDED:
        return f"{namespace.lower()}:{local}"
    return local


def reference_to_uri(reference: str) -> str:
    """An identifiers.org URI for ``PMID:...`` or ``DOI:...``.

    Examples
    --------
    >>> reference_to_uri("PMID:24120943")
    'https://identifiers.org/pubmed:24120943'
    """
    kind, _, local = reference.partition(":")
    return f"{_IDENTIFIERS}{'pubmed' if kind == 'PMID' else 'doi'}:{local}"


def element(
    tag: str, attributes: Mapping[str, str], children: str = "", *, declare: bool = True
) -> str:
    """One XML element in the mbaxis namespace, attributes in the given order.

    ``declare`` adds the namespace declaration (needed on the outermost element only).
    """
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    xmlns = f' xmlns:{PREFIX}="{NAMESPACE}"' if declare else ""
    if children:
        return f"<{PREFIX}:{tag}{xmlns}{attrs}>{children}</{PREFIX}:{tag}>"
    return f"<{PREFIX}:{tag}{xmlns}{attrs}/>"


def xhtml_notes(paragraphs: list[str]) -> str:
    """SBML notes: an XHTML body with one paragraph per string."""
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'
