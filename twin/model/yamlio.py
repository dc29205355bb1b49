"""YAML reading that remembers line numbers, with safe-load semantics only.

The text is composed into a node tree by `yaml.SafeLoader` (so only the
standard safe tags exist), then walked into plain dicts, lists and scalars.
Mappings and sequences are `YMap` / `YSeq`, which also carry the 1-based line
of every key, value and item, so later checks can point at the exact line.
"""
from __future__ import annotations

from typing import Any, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from twin.model.errors import LayoutError
from twin.model.limits import MAX_INT_DIGITS, MAX_NESTING_DEPTH

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_INT_TAG = "tag:yaml.org,2002:int"


class _TooDeep(yaml.YAMLError):
    """Lists and mappings nested deeper than MAX_NESTING_DEPTH (refused before recursing)."""

    def __init__(self, mark):
        super().__init__()
        self.problem_mark = mark
        self.problem = (f"lists and mappings are nested more than {MAX_NESTING_DEPTH} levels "
                        "deep; a layout needs fewer than ten")


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer stops at MAX_NESTING_DEPTH instead of exhausting the stack."""

    def __init__(self, stream):
        self.depth = 0
        super().__init__(stream)

    def compose_node(self, parent, index):
        if self.depth >= MAX_NESTING_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class YMap(dict):
    """A YAML mapping that knows the line of itself, each key and each value."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}


class YSeq(list):
    """A YAML sequence that knows the line of itself and of each item."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _child(field: str, key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else str(key)


class _Walker:
    """Turns a composed node tree into YMap / YSeq / scalars, once per node."""

    def __init__(self, loader: yaml.SafeLoader, path: Optional[str]):
        self.loader = loader
        self.path = path
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def error(self, node: Node, field: str, message: str) -> LayoutError:
        return LayoutError(self.path, _line(node), field, message)

    def walk(self, node: Node, field: str) -> Any:
        """Convert one node; aliases reuse the converted value, cycles are refused."""
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise self.error(node, field, "recursive YAML alias is not allowed")
        self.active.add(key)
        try:
            if isinstance(node, ScalarNode):
                value = self.scalar(node, field)
            elif isinstance(node, SequenceNode):
                value = self.sequence(node, field)
            else:
                value = self.mapping(node, field)
        finally:
            self.active.discard(key)
        self.done[key] = value
        return value

    def scalar(self, node: ScalarNode, field: str) -> Any:
        """A scalar's value; integers longer than MAX_INT_DIGITS are refused unconverted."""
        if node.tag == _INT_TAG:
            digits = sum(c.isalnum() for c in node.value.lstrip("+-").split("x")[-1])
            if digits > MAX_INT_DIGITS:
                return self.too_long(node, field)
        return self.loader.construct_object(node, deep=True)

    def too_long(self, node: ScalarNode, field: str):
        shown = node.value if len(node.value) <= 24 else f"{node.value[:20]}..."
        raise self.error(node, field, f"integer {shown} has more than {MAX_INT_DIGITS} digits; "
                         "no value here is that large (a unit typo?)")

    def sequence(self, node: SequenceNode, field: str) -> YSeq:
        if node.tag != _SEQ_TAG:
            raise self.error(node, field, f"unsupported YAML tag {node.tag!r}")
        out = YSeq(_line(node))
        for index, item in enumerate(node.value):
            out.append(self.walk(item, _child(field, index)))
            out.item_lines.append(_line(item))
        return out

    def mapping(self, node: MappingNode, field: str) -> YMap:
        if node.tag != _MAP_TAG:
            raise self.error(node, field, f"unsupported YAML tag {node.tag!r}")
        own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # `<<` merges first, own keys last, like safe_load
        merged = len(node.value) - own
        out = YMap(_line(node))
        explicit: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, ScalarNode):
                raise self.error(key_node, field, "mapping keys must be plain text")
            key = self.loader.construct_object(key_node)
            if not isinstance(key, str):
                raise self.error(key_node, field, f"key {key_node.value!r} must be text")
            if key in explicit and index >= merged:
                first = out.key_lines[key]
                raise self.error(key_node, _child(field, key),
                                 f'duplicate key "{key}" (first given at line {first})')
            if index >= merged:
                explicit.add(key)
            out.key_lines[key] = _line(key_node)
            out.value_lines[key] = _line(value_node)
            out[key] = self.walk(value_node, _child(field, key))
        return out


def _reader_error(path: Optional[str], text: str, exc: yaml.reader.ReaderError) -> LayoutError:
    """A control character (NUL, BEL, ...) YAML refuses, at its line."""
    line = text.count("\n", 0, max(exc.position, 0)) + 1
    char = exc.character if isinstance(exc.character, int) else 0
    return LayoutError(path, line, "", f"the file holds the control character U+{char:04X}, "
                       "which YAML text may not contain (is it a binary or corrupted file?)")


def _syntax_error(path: Optional[str], exc: yaml.YAMLError) -> LayoutError:
    """A LayoutError for a YAML syntax problem, at the line PyYAML points to."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context and problem != context else problem
    if isinstance(exc, yaml.constructor.ConstructorError):
        return LayoutError(path, line, "", f"unsupported YAML (only plain safe YAML is read): {text}")
    return LayoutError(path, line, "", f"YAML syntax error: {text}")


def compose_yaml(text: str, path: Optional[str] = None) -> Any:
    """Parse one YAML document into YMap / YSeq / scalars (None if empty).

    Raises LayoutError with the line for syntax errors, control characters,
    several documents in one file, duplicate keys, non-text keys, unknown
    tags, alias cycles, nesting deeper than MAX_NESTING_DEPTH and integers
    longer than MAX_INT_DIGITS.
    """
    try:
        loader = _Loader(text)     # checks every character: a NUL is refused here
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Walker(loader, path).walk(node, "")
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:         # a safety net: the depth limit should come first
        raise LayoutError(path, None, "", f"lists and mappings are nested too deeply (at most "
                          f"{MAX_NESTING_DEPTH} levels)") from None
    finally:
        loader.dispose()
