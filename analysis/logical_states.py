"""Stable states of the logical model, computed by AEON (``biodivine-aeon``) from the SBML-qual.

AEON reads Boolean SBML-qual, so it loads ``mbaxis_qual_boolean.xml`` (:mod:`sbml.qual`), the
unary bit encoding of the multi-valued model. For one experiment (inputs switched on, nodes
knocked out, edges blocked):

1. the inputs are fixed and a knocked-out node's bits set to its lowest level;
2. AEON percolates those constants through the network (``PercolationComp``), which fixes most
   variables; the update functions of the rest, with the constants substituted, form a small
   network;
3. AEON computes that network's stable states (``FixedPointsComp``) and the states reachable
   from rest (``Reachability.forward_superset``), asynchronously; the stable state reachable
   from rest is the answer. Positive feedback can give a node two stable states; only the one
   the experiment reaches counts, as in the ODE model, which also starts at rest.

A blocked edge ``A -> B`` reads its source as absent: in the rules of ``B`` (and of its partial
sums) AEON substitutes ``A``'s bits by their values at the lowest level
(``UpdateFunction.substitute_all``).
"""

from __future__ import annotations

import copy
import importlib.metadata
import re
from collections.abc import Iterable
from functools import cached_property

import biodivine_aeon as aeon
import libsbml

from mbaxis.network import LogicalModel, Model, logical_model
from mbaxis.sbml.qual import bit_id, qual_boolean_document

__all__ = ["LogicalStates", "aeon_version"]


def _variable(network: aeon.BooleanNetwork, name: str) -> aeon.VariableId:
    variable = network.find_variable(name)
    if variable is None:  # pragma: no cover - the names come from the same document
        raise KeyError(f"AEON network has no variable '{name}'")
    return variable


def aeon_version() -> str:
    """The installed version of AEON's Python package (``biodivine-aeon``)."""
    return importlib.metadata.version("biodivine-aeon")


class LogicalStates:
    """The logical model of ``model`` loaded in AEON; stable states of experiments on it.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> states = LogicalStates(load_model())
    >>> states.stable_levels(["muscle__work_rate"])["plasma__lactate"] > 0
    True
    """

    def __init__(self, model: Model, logical: LogicalModel | None = None) -> None:
        self.logical = logical or logical_model(model)
        document = qual_boolean_document(model, self.logical)
        self.sbml = str(libsbml.writeSBMLToString(document))
        plugin = document.getModel().getPlugin("qual")
        #: The rest state: every bit at its initial level (a node at rest, inputs off).
        self.rest = {
            species.getId(): bool(species.getInitialLevel())
            for species in plugin.getListOfQualitativeSpecies()
        }
        self.network = aeon.BooleanNetwork.from_sbml(self.sbml).infer_valid_graph()

    @cached_property
    def graph(self) -> aeon.AsynchronousGraph:
        """The symbolic state graph of the unperturbed network."""
        return aeon.AsynchronousGraph(self.network)

    def bits(self, node: str) -> list[str]:
        """The Boolean variables of ``node`` (itself, for an input)."""
        if node in self.logical.inputs:
            return [node]
        return [bit_id(node, j) for j in range(1, 2 * self.logical.levels + 1)]

    def _blocked_network(self, edges: Iterable[str]) -> aeon.BooleanNetwork:
        """A copy of the network in which each edge in ``edges`` reads its source as absent."""
        network = copy.copy(self.network)
        by_id = {c.edge: c for c in self.logical.contributions}
        for edge in edges:
            if edge not in by_id:
                raise KeyError(f"not an edge of the logical model: {edge}")
            contribution = by_id[edge]
            absent: dict[str, aeon.UpdateFunction | str] = {
                bit: aeon.UpdateFunction.mk_const(network, False)
                for bit in self.bits(contribution.source)
            }
            rules = re.compile(rf"^{re.escape(contribution.target)}(__sum\d+)?_ge\d+$")
            for name in network.variable_names():
                rule = network.get_update_function(name) if rules.match(name) else None
                if rule is None:
                    continue
                rule = rule.substitute_all(absent).simplify_constants()
                network.set_update_function(name, rule)
                # AEON requires every declared regulator to act: drop those the rule lost.
                kept = set(rule.support_variables())
                for regulator in network.predecessors(name):
                    if regulator not in kept:
                        network.remove_regulation(regulator, name)
        return network

    def stable_levels(
        self,
        active_inputs: Iterable[str] = (),
        knocked_out: Iterable[str] = (),
        blocked: Iterable[str] = (),
    ) -> dict[str, int]:
        """The level (relative to rest) of every node in the stable state the experiment reaches.

        Raises ``ValueError`` when the experiment reaches no stable state or more than one.
        """
        on, knocked, cut = set(active_inputs), set(knocked_out), list(blocked)
        unknown = (on - set(self.logical.inputs)) | (knocked - set(self.logical.nodes))
        if unknown:
            raise KeyError(f"not in the logical model: {', '.join(sorted(unknown))}")
        network = self._blocked_network(cut) if cut else self.network
        graph = aeon.AsynchronousGraph(network) if cut else self.graph
        fixed = {_variable(network, i): i in on for i in self.logical.inputs}
        for node in knocked:
            fixed |= {_variable(network, bit): False for bit in self.bits(node)}
        percolated = aeon.PercolationComp.create_from(graph).percolate_subspace(fixed)
        values = {network.get_variable_name(v): value for v, value in percolated.items()}
        free = [v for v in network.variables() if v not in percolated]
        if free:
            values |= self._settle_free(network, percolated, free, knocked)
        return {
            node: sum(values[bit] for bit in self.bits(node)) - self.logical.levels
            for node in self.logical.nodes
        }

    def _settle_free(
        self,
        network: aeon.BooleanNetwork,
        percolated: dict[aeon.VariableId, bool],
        free: list[aeon.VariableId],
        knocked: set[str],
    ) -> dict[str, bool]:
        """The stable state, reachable from rest, of the variables percolation left free."""
        constants = {v: aeon.UpdateFunction.mk_const(network, b) for v, b in percolated.items()}
        lines = ["targets, factors"]
        for variable in free:
            rule = network.get_update_function(variable)
            assert rule is not None  # every bit has a transition; inputs are percolated
            lines.append(
                f"{network.get_variable_name(variable)}, "
                f"{rule.substitute_all(constants).simplify_constants()}"
            )
        reduced = aeon.BooleanNetwork.from_bnet("\n".join(lines), repair_graph=True)
        graph = aeon.AsynchronousGraph(reduced)
        stable = aeon.FixedPointsComp.create_from(graph).symbolic_vertices()
        knocked_bits = {bit for node in knocked for bit in self.bits(node)}
        start = graph.mk_subspace(
            {
                name: self.rest[name] and name not in knocked_bits
                for name in reduced.variable_names()
            }
        )
        reached = stable.intersect(
            aeon.Reachability.forward_superset({"graph": graph}, start).vertices()
        )
        count = reached.cardinality()
        if count != 1:
            raise ValueError(
                f"the experiment reaches {count} stable states of the logical model, not one"
            )
        (state,) = reached.items()
        return {name: bool(value) for name, value in state.to_named_dict().items()}
