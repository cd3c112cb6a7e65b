"""Reading a team file: YAML with line numbers, so every error can name the line and field;
and writing one back, the way people write it by hand.

What the file holds is the sections' business: the whole file's model and its checks across
sections are dutydesk/team_as_code/spec.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dutydesk.errors import Invalid

Path = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Document = TypeVar("Document", bound=BaseModel)


def read_document(
    text: str,
    filename: str,
    model: type[Document],
    cross_check: Callable[[Document], list[tuple[Path, str]]],
) -> Document:
    """Parse a team file and validate it as `model`, then with `cross_check` (the rules that
    span the file, as (path, message)); raise Invalid naming the file, line and field."""
    # One pass of libyaml (when PyYAML has it, as its wheels do): the node tree gives the line
    # numbers and is then built into plain data, rather than parsing the text twice in Python.
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "not valid YAML"
        raise Invalid(f"{filename}:{line}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as error:
        raise Invalid(f"{filename}: YAML error: {error}") from None
    finally:
        loader.dispose()
    if root is None:
        raise Invalid(f"{filename}:1: the file is empty; it needs at least 'team:'")
    lines: dict[Path, int] = {}
    _index_lines(root, (), lines, filename)
    if not isinstance(data, dict):
        raise Invalid(f"{filename}:1: the file must be a mapping with 'team:', 'people:', 'rotas:'")
    try:
        spec = model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = tuple(part for part in first["loc"] if part != "__root__")
        raise Invalid(
            _located(filename, lines, path, _message(first), error.error_count())
        ) from None
    problems = cross_check(spec)
    if problems:
        path, message = problems[0]
        raise Invalid(_located(filename, lines, path, message, len(problems)))
    return spec


def _index_lines(node: yaml.Node, path: Path, lines: dict[Path, int], filename: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise Invalid(
                    f"{filename}:{key_node.start_mark.line + 1}: {_dotted((*path, key))}:"
                    " appears twice"
                )
            seen.add(key)
            _index_lines(value_node, (*path, key), lines, filename)
            # A key with an empty value has no useful line of its own; use the key's.
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, index), lines, filename)


def _located(filename: str, lines: dict[Path, int], path: Path, message: str, count: int) -> str:
    probe = path
    while probe not in lines and probe:
        probe = probe[:-1]
    line = lines.get(probe, 1)
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    field = _dotted(path)
    return f"{filename}:{line}: {field + ': ' if field else ''}{message}{more}"


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Any) -> str:
    message = str(error["msg"])
    # pydantic prefixes messages from our validators; the rest of the text is ours.
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "is not a known field"
    if error["type"] == "missing":
        return "is required"
    return message


class _TeamDumper(yaml.SafeDumper):
    """Short lists and people on one line each, the way people write the file by hand."""

    def ignore_aliases(self, data: object) -> bool:
        # A value in two places (a date ending one layer and starting the next) is written
        # twice, never as a YAML anchor and alias that people would have to decode.
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[object]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, object]) -> yaml.Node:
    # Flat things (people, services, a step's targets) on one line; anything with a list of
    # mappings inside (rotas' layers, policies' steps) in blocks.
    nested = any(
        isinstance(value, list) and any(isinstance(item, dict) for item in value)
        for value in data.values()
    )
    flow = (("name" in data and "id" in data) or len(data) == 1) and not nested
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_TeamDumper.add_representer(list, _represent_list)
_TeamDumper.add_representer(dict, _represent_dict)


def dump_team_yaml(document: dict[str, object]) -> str:
    """YAML text of a team document."""
    return yaml.dump(document, Dumper=_TeamDumper, sort_keys=False, allow_unicode=True, width=100)
