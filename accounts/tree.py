"""Lists that are trees (departments, complaint categories) in the order people read them.

A parent comes first, then its children, each with its depth; siblings keep the order they were
given in (the caller's query decides it: by name, by sort number). Pure: no query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class TreeNode(Protocol):
    @property
    def pk(self) -> int | None: ...

    @property
    def parent_id(self) -> int | None: ...


Node = TypeVar("Node", bound=TreeNode)

# What a level of depth looks like in a plain-text list (a <select> shows no other markup).
INDENT = "\u00a0" * 4


def in_tree_order(nodes: Iterable[Node]) -> list[tuple[Node, int]]:
    """Each node with its depth, parents before their children, depth first.

    A node whose parent is not among `nodes` (an inactive parent left out of a picker) stands at
    the top level, so nothing given is ever dropped; a cycle cannot hide a node either.
    """
    listed = list(nodes)
    present = {node.pk for node in listed}
    children: dict[int | None, list[Node]] = {}
    roots: list[Node] = []
    for node in listed:
        if node.parent_id is None or node.parent_id not in present or node.parent_id == node.pk:
            roots.append(node)
        else:
            children.setdefault(node.parent_id, []).append(node)
    ordered: list[tuple[Node, int]] = []
    seen: set[int | None] = set()

    def visit(node: Node, depth: int) -> None:
        if node.pk in seen:
            return
        seen.add(node.pk)
        ordered.append((node, depth))
        for child in children.get(node.pk, []):
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    # Nodes only reachable through a cycle of parents: listed at the top level rather than lost.
    for node in listed:
        if node.pk not in seen:
            visit(node, 0)
    return ordered


def tree_label(name: str, depth: int) -> str:
    """A node's name indented for its depth: "服务部", "— 售后组", "    — 维修班"."""
    if depth == 0:
        return name
    return f"{INDENT * (depth - 1)}— {name}"
