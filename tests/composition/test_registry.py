"""The composition root: every declared contribution loads, and is what it claims to be."""

from __future__ import annotations

import inspect

import pytest
import typer
from fastapi import APIRouter

from dutydesk import composition
from dutydesk.cli import app as cli_app
from dutydesk.contributions import Module
from dutydesk.team.sections import Section
from dutydesk.team_as_code.spec import APPLY_ORDER, FILE_ORDER


def module_ids(module: Module) -> str:
    return module.name


def test_module_names_are_unique() -> None:
    names = [module.name for module in composition.MODULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("module", composition.MODULES, ids=module_ids)
def test_every_router_loads_as_a_router(module: Module) -> None:
    for router in module.routers:
        assert isinstance(router.ref.load(), APIRouter), router.ref.path


@pytest.mark.parametrize("module", composition.MODULES, ids=module_ids)
def test_every_cycle_panel_and_link_loads_as_a_function(module: Module) -> None:
    refs = [cycle.run for cycle in module.cycles] + [panel.build for panel in module.panels]
    refs += [entry.shown for entry in module.navigation if entry.shown is not None]
    for ref in refs:
        assert inspect.isfunction(ref.load()), ref.path


@pytest.mark.parametrize("entry", composition.commands(), ids=lambda entry: entry.name)
def test_the_listing_gives_each_command_its_own_first_line_of_help(entry) -> None:
    """`dutydesk --help` shows the declared line without importing the command: it must be
    the line the command itself has, or the two would drift apart."""
    target = entry.target.load()
    assert isinstance(target, typer.Typer) or inspect.isfunction(target)
    own = cli_app.load(entry).help or ""
    assert own.strip().splitlines()[0] == entry.help


def test_names_and_orders_do_not_clash() -> None:
    for listing in (composition.commands(), composition.cycles(), composition.navigation()):
        names = [getattr(entry, "name", getattr(entry, "key", None)) for entry in listing]
        assert len(names) == len(set(names)), names
        orders = [entry.order for entry in listing]
        assert len(orders) == len(set(orders)), f"two entries share an order: {names}"


def test_the_worker_queues_before_it_delivers() -> None:
    names = [cycle.name for cycle in composition.cycles()]
    assert names[-1] == "deliveries"
    # Bank holidays first: announcing handoffs and escalating read them. External rotas'
    # refresh before escalation reads them.
    assert names == [
        "mail",
        "holidays",
        "announcements",
        "swaps",
        "external_rotas",
        "heartbeats",
        "tickets",
        "incidents",
        "statuspage",
        "builds",
        "escalations",
        "handover",
        "deliveries",
    ]


def test_every_team_section_loads_as_a_section_of_its_own_kind() -> None:
    entries = composition.team_sections()
    keys = [entry.key for entry in entries]
    kinds = [entry.section.load().kind for entry in entries]
    for entry in entries:
        assert isinstance(entry.section.load(), Section), entry.section.path
        assert set(entry.names) <= set(keys) - {entry.key}, entry.key
    assert len(keys) == len(set(keys)), keys
    assert len(kinds) == len(set(kinds)), kinds
    assert len({entry.order for entry in entries}) == len(entries)


def test_every_removal_rule_is_a_function_for_a_declared_section() -> None:
    keys = {entry.key for entry in composition.team_sections()}
    for rule in composition.removal_rules():
        assert rule.key in keys, rule.key
        assert inspect.isfunction(rule.run.load()), rule.run.path


def test_the_team_file_lists_sections_in_order_and_applies_named_ones_first() -> None:
    assert [entry.key for entry in FILE_ORDER] == [
        "people",
        "rotas",
        "services",
        "escalation_policies",
        "support",
        "incidents",
        "status_page",
        "handover",
        "builds",
    ]
    assert [entry.key for entry in APPLY_ORDER] == [
        "people",
        "rotas",
        "escalation_policies",
        "services",
        "support",
        "incidents",
        "status_page",
        "handover",
        "builds",
    ]
