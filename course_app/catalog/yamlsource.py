"""YAML that remembers where each mapping and key stands, so problems can name a line."""

from __future__ import annotations

import yaml


class Mapping(dict):
    """A dict parsed from YAML, with the line of the mapping and of each key."""

    line: int = 1
    key_lines: dict
    duplicates: list

    def line_of(self, key: str) -> int:
        """Return the line of key, or of the mapping itself if the key is absent."""
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings carry line numbers; the offset is set per document."""

    offset = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1 + loader.offset
    result.key_lines, result.duplicates = {}, []
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1 + loader.offset
        if key in result.key_lines:
            result.duplicates.append((key, line))
        result.key_lines.setdefault(key, line)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, first_line: int = 1):
    """Parse text safely; mappings come back as Mapping; raise yaml.YAMLError if malformed.

    first_line is the file line on which text begins.
    """
    loader = _LineLoader(text)
    loader.offset = first_line - 1
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def error_line(exc: yaml.YAMLError, first_line: int = 1) -> int:
    """Return the file line a YAML error points at."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + first_line if mark else first_line
