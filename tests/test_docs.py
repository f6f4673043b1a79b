"""Docs that cannot drift: every CLI command has help text and is shown in the README."""

from __future__ import annotations

import argparse

import pytest

from kg.cli import COMMANDS, parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str) -> None:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    assert helps.get(command), f"`kg {command}` has no help text"
    assert _subparsers()[command].format_help()


@pytest.mark.parametrize("command", COMMANDS)
def test_the_parser_of_one_command_parses_and_helps_as_the_whole(command: str) -> None:
    """`kg COMMAND …` builds only that command's parser (kg.cli.parser(command))."""
    alone = next(a for a in parser(command)._actions if isinstance(a, argparse._SubParsersAction))
    assert list(alone.choices) == [command]
    assert alone.choices[command].format_help() == _subparsers()[command].format_help()
    assert parser(command).format_usage() == parser().format_usage()


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_readme(command: str) -> None:
    assert f"kg {command}" in README, f"README.md does not show `kg {command}`"


def test_readme_shows_the_two_commands_first() -> None:
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
