"""The interactive network page: whatever page pyvis makes, the network stays in it."""

from __future__ import annotations

import re

import pytest
from pyvis.network import Network

from mbaxis.interactive import network_html
from mbaxis.network import Model, to_digraph


@pytest.mark.parametrize(
    "page",
    [
        "<html><head></head><body><div id='mynetwork'></div></body></html>",
        "<html><head></head><body class='x' style='margin:0'><div id='mynetwork'></div></body>"
        "</html>",
        "<div id='mynetwork'></div>",  # no <body> at all
    ],
)
def test_heading_is_added_and_the_network_kept(
    model: Model, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    monkeypatch.setattr(Network, "generate_html", lambda self, notebook=False: page)
    html = network_html(to_digraph(model))
    assert "id='mynetwork'" in html
    assert "mbaxis network: hover or click an edge" in html
    assert html.index("mbaxis network") < html.index("mynetwork")


def test_real_page_holds_every_node_offline(model: Model) -> None:
    html = network_html(to_digraph(model))
    assert "plasma__CTSB" in html and "brain__BDNF_mRNA" in html
    assert not re.search(r"""(?:src|href)=["']https?://""", html)  # opens offline
