"""Saving over a hand-written layout: only what changed is rewritten in the user's text.

The layout is dumped canonically twice, as it was read (`base`) and as it is
now (`new`). The differences between those two texts are applied, as text
splices, to the file the user wrote: a changed value replaces just that value,
a deleted item or key removes just its lines, a new one is inserted in the
canonical spelling, indented like its neighbours. Comments, blank lines, key
order, quoting and number spelling of everything else stay byte for byte.
The splice knows no layout keys, so sections added to the format later are
kept the same way. `splice_layout_text` returns None when a change cannot be
spliced (anchors, odd nesting): the caller then writes the canonical text.
"""
from __future__ import annotations

import difflib
from typing import Any, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class _Unsupported(Exception):
    """The user's text has a shape this splice does not edit."""


class _Tree:
    """One YAML text composed into nodes, with their values and where they are."""

    def __init__(self, text: str):
        self.text = text
        self._loader = yaml.SafeLoader(text)
        self.root = self._loader.get_single_node()
        self.values: dict[int, Any] = {}

    def value(self, node: Node) -> Any:
        key = id(node)
        if key not in self.values:
            self.values[key] = self._loader.construct_object(node, deep=True)
        return self.values[key]

    def end(self, node: Node) -> int:
        """Index just after the last character of a node's own text (not trailing comments)."""
        if isinstance(node, ScalarNode) or node.flow_style or not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return self.end(last[1] if isinstance(node, MappingNode) else last)

    def line_after(self, index: int) -> int:
        """Index of the start of the line after the one holding `index - 1`."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        newline = self.text.find("\n", index)
        return len(self.text) if newline < 0 else newline + 1

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def starts_line(self, index: int) -> bool:
        """Whether only spaces stand between the line start and `index`."""
        return self.text[self.line_start(index):index].strip(" ") == ""

    def dash(self, item: Node) -> int:
        """Index of the `-` of a block sequence item that begins its own line."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] == " ":
            index -= 1
        if index < 0 or self.text[index] != "-" or not self.starts_line(index):
            raise _Unsupported("sequence item not on its own line")
        return index

    def column(self, index: int) -> int:
        return index - self.line_start(index)


def _reindent(text: str, shift: int) -> str:
    """Move every line but the first `shift` columns (canonical lines have no tabs)."""
    lines = text.split("\n")
    if shift >= 0:
        return "\n".join([lines[0]] + [" " * shift + line if line else line for line in lines[1:]])
    for line in lines[1:]:
        if line[:-shift].strip(" "):
            raise _Unsupported("cannot outdent")
    return "\n".join([lines[0]] + [line[-shift:] for line in lines[1:]])


def _is_block(node: Node) -> bool:
    return isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and bool(node.value)


def _has_merge(node: MappingNode) -> bool:
    return any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)


class _Splicer:
    """Collects (start, end, text) edits that turn base into new inside the user's text."""

    def __init__(self, doc: _Tree, base: _Tree, new: _Tree):
        self.doc, self.base, self.new = doc, base, new
        self.edits: list[tuple[int, int, str]] = []
        self.newline = "\r\n" if "\r\n" in doc.text else "\n"

    # -- rendering of new nodes -----------------------------------------------------
    def inline(self, node: Node, in_flow: bool) -> str:
        """A new value on one line; inside a flow list or mapping, flow-safe text."""
        flow_safe = not isinstance(node, ScalarNode) or self.new_in_flow.get(id(node), False)
        if _is_block(node) or (in_flow and not flow_safe):
            text = yaml.safe_dump([self.new.value(node)], default_flow_style=True,
                                  width=float("inf"), allow_unicode=True, sort_keys=False)
            return text.strip()[1:-1]
        return self.new.text[node.start_mark.index:node.end_mark.index]

    def lines(self, start: int, node: Node, column: int) -> str:
        """Canonical lines from `start` through `node`, the first one placed at `column`."""
        text = self.new.text[start:self.new.end(node)]
        text = " " * column + _reindent(text, column - self.new.column(start))
        return text.replace("\n", self.newline) + self.newline

    def add(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, len(self.edits), text))

    # -- walking ----------------------------------------------------------------------
    def merge(self, d: Node, b: Node, n: Node, owner: Optional[Node], in_flow: bool) -> None:
        """Edit the user's node `d` (read as base node `b`) into new node `n`."""
        if self.base.value(b) == self.new.value(n):
            return
        if _same_kind(d, b, n, MappingNode) and not _has_merge(d) and (
                _is_block(d) or (d.flow_style and _keys(self.doc, d) == _keys(self.new, n))):
            self.mapping(d, b, n, in_flow or bool(d.flow_style))
        elif _same_kind(d, b, n, SequenceNode) and len(d.value) == len(b.value) and (
                (_is_block(d) and n.value) or (d.flow_style and len(d.value) == len(n.value))):
            self.sequence(d, b, n, in_flow or bool(d.flow_style))
        else:
            self.replace(d, n, owner, in_flow)

    def replace(self, d: Node, n: Node, owner: Optional[Node], in_flow: bool) -> None:
        """Write the new value over the user's whole node."""
        if not _is_block(d) and (in_flow or not _is_block(n)):
            self.add(d.start_mark.index, d.end_mark.index, self.inline(n, in_flow))
            return
        if _is_block(d) and _is_block(n):
            start = d.start_mark.index
            text = self.lines(n.start_mark.index, n, self.doc.column(start))
            self.add(start, self.doc.end(d), text.lstrip(" ").rstrip("\r\n"))
            return
        if owner is None or in_flow:
            raise _Unsupported("block value outside a mapping")
        colon = self.doc.text.index(":", owner.end_mark.index)
        if not _is_block(n) and isinstance(d, SequenceNode) and isinstance(n, SequenceNode):
            self.add(colon + 1, colon + 1, " []")       # emptied: comments between items stay
            for item in d.value:
                self.delete_item(item)
            return
        if not _is_block(n):          # a block mapping becomes {} or a scalar
            self.add(colon + 1, self.doc.end(d), " " + self.inline(n, False))
            return
        new_owner = self.new_owner[id(n)]
        column = owner.start_mark.column + n.start_mark.column - new_owner.start_mark.column
        text = self.lines(n.start_mark.index, n, column)
        self.add(colon + 1, d.end_mark.index, self.newline + text.rstrip("\r\n"))

    def mapping(self, d: MappingNode, b: MappingNode, n: MappingNode, in_flow: bool) -> None:
        mine = {self.doc.value(k): (k, v) for k, v in d.value}
        base = {self.base.value(k): v for k, v in b.value}
        new = [(self.new.value(k), k, v) for k, v in n.value]
        new_keys = {key for key, _, _ in new}
        for key, (k, v) in mine.items():
            if key in base and key not in new_keys:
                self.delete_key(d, k, v)
        previous: Optional[Node] = None
        pending: list[tuple[Node, Node]] = []
        for key, nk, nv in new:
            if key in mine:
                self.flush_keys(d, previous, pending)
                k, v = mine[key]
                if key in base:
                    self.merge(v, base[key], nv, k, in_flow)
                else:
                    self.replace(v, nv, k, in_flow)
                previous, pending = v, []
            elif key not in base or self.base.value(base[key]) != self.new.value(nv):
                pending.append((nk, nv))       # a default the user left out stays left out
        self.flush_keys(d, previous, pending)

    def flush_keys(self, d: MappingNode, previous: Optional[Node], pending: list) -> None:
        """Insert new keys after the user's value `previous` (or before the first key)."""
        if not pending:
            return
        first_key = d.value[0][0]
        if previous is None and self.doc.starts_line(first_key.start_mark.index):
            at = self.doc.line_start(first_key.start_mark.index)
        else:
            at = self.doc.line_after(self.doc.end(previous if previous is not None else d.value[0][1]))
        column = first_key.start_mark.column
        text = "".join(self.lines(k.start_mark.index, v, column) for k, v in pending)
        self.insert(at, text)

    def delete_key(self, d: MappingNode, k: Node, v: Node) -> None:
        if not self.doc.starts_line(k.start_mark.index) or len(d.value) == 1:
            raise _Unsupported("key shares its line")
        self.add(self.doc.line_start(k.start_mark.index), self.doc.line_after(self.doc.end(v)), "")

    def insert(self, at: int, text: str) -> None:
        if at == len(self.doc.text) and not self.doc.text.endswith("\n"):
            text = self.newline + text
        self.add(at, at, text)

    def sequence(self, d: SequenceNode, b: SequenceNode, n: SequenceNode, in_flow: bool) -> None:
        old_ids, new_ids = _identities(self.base, b.value), _identities(self.new, n.value)
        if in_flow:                      # flow lists of equal length: item by item
            for dn, bn, nn in zip(d.value, b.value, n.value):
                self.merge(dn, bn, nn, None, True)
            return
        matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal" or (op == "replace" and self.same_items(b, n, i1, i2, j1, j2)):
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    self.merge(d.value[i], b.value[i], n.value[j], None, False)
                continue
            for i in range(i1, i2):
                self.delete_item(d.value[i])
            if j2 > j1:
                self.insert_items(d, i1, n.value[j1:j2])

    def delete_item(self, item: Node) -> None:
        """Remove a block list item's lines; comment lines after it stay."""
        self.add(self.doc.line_start(self.doc.dash(item)), self.doc.line_after(self.doc.end(item)), "")

    def same_items(self, b: SequenceNode, n: SequenceNode, i1: int, i2: int, j1: int, j2: int) -> bool:
        """Whether replaced items are edits of the same items: matched by content, or renamed."""
        if i2 - i1 != j2 - j1:
            return False
        old = [self.base.value(item) for item in b.value[i1:i2]]
        new = [self.new.value(item) for item in n.value[j1:j2]]
        if not all(isinstance(v, dict) and "id" in v for v in old + new):
            return True
        return all(_without_id(o) == _without_id(v) for o, v in zip(old, new))

    def insert_items(self, d: SequenceNode, before: int, items: list) -> None:
        dash_col = self.doc.dash(d.value[0]) - self.doc.line_start(self.doc.dash(d.value[0]))
        if before < len(d.value):
            at = self.doc.line_start(self.doc.dash(d.value[before]))
        else:
            at = self.doc.line_after(self.doc.end(d.value[-1]))
        text = ""
        for item in items:
            dash = self.new.text.rindex("-", 0, item.start_mark.index)
            text += self.lines(dash, item, dash_col)
        self.insert(at, text)

    def apply(self) -> str:
        """The user's text with every edit made; inserts at one place keep their order."""
        text, last_start = self.doc.text, len(self.doc.text) + 1
        for start, end, _, piece in sorted(self.edits, reverse=True):
            if end > last_start:
                raise _Unsupported("overlapping edits")
            text = text[:start] + piece + text[end:]
            last_start = start
        return text


def _identities(tree: _Tree, items: list) -> list:
    """Keys to match list items by: their `id` when every item has a distinct one, else content."""
    values = [tree.value(item) for item in items]
    ids = [v.get("id") if isinstance(v, dict) else None for v in values]
    if values and None not in ids and len(set(map(repr, ids))) == len(ids):
        return [("id", repr(i)) for i in ids]
    return [("value", repr(v)) for v in values]


def _without_id(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "id"}


def _same_kind(d: Node, b: Node, n: Node, kind: type) -> bool:
    return isinstance(d, kind) and isinstance(b, kind) and isinstance(n, kind)


def _keys(tree: _Tree, node: MappingNode) -> list:
    return [tree.value(k) for k, _ in node.value]


def _index_new(tree: _Tree) -> tuple[dict, dict]:
    """For each node of the canonical text: its owning key node, and whether it sits in a flow."""
    owners: dict[int, Node] = {}
    in_flow: dict[int, bool] = {}

    def walk(node: Node, flow: bool) -> None:
        in_flow[id(node)] = flow
        if isinstance(node, MappingNode):
            for k, v in node.value:
                owners[id(v)] = k
                walk(v, flow or bool(node.flow_style))
        elif isinstance(node, SequenceNode):
            for item in node.value:
                walk(item, flow or bool(node.flow_style))

    walk(tree.root, False)
    return owners, in_flow


def splice_layout_text(original: str, base: str, new: str) -> Optional[str]:
    """`original` edited so that it reads like `new`, where it read like `base`; None if unsure.

    `base` and `new` are canonical dumps of the layout as read from `original`
    and as it is now. The caller checks that the result loads back as `new`.
    """
    if base == new:
        return original
    try:
        doc, old, now = _Tree(original), _Tree(base), _Tree(new)
        if not all(isinstance(t.root, MappingNode) for t in (doc, old, now)):
            return None
        splicer = _Splicer(doc, old, now)
        splicer.new_owner, splicer.new_in_flow = _index_new(now)
        splicer.merge(doc.root, old.root, now.root, None, False)
        return splicer.apply()
    except (_Unsupported, yaml.YAMLError, ValueError, KeyError):
        return None
