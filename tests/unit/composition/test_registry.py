"""The composition root: every declared contribution loads, and is what it claims to be."""

from __future__ import annotations

import inspect

import pytest
import typer
from fastapi import APIRouter

from dutydesk import composition
from dutydesk.cli import app as cli_app
from dutydesk.contributions import Module


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
    assert names == ["announcements", "swaps", "heartbeats", "escalations", "deliveries"]
