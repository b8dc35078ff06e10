"""The action server's actions (actions/registry.py): exactly the custom actions of
domain.yml, each constructed with the context it is given."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Iterator, Set, Type

from rasa.shared.core.domain import Domain

import actions
from actions.common import ActionContext, ContextAction
from actions.registry import ACTION_CLASSES, all_actions
from bot.config import PROJECT_ROOT, load_settings

CONTEXT = ActionContext.from_settings(load_settings({}))


def subclasses(cls: Type) -> Iterator[Type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def concrete_action_classes() -> Set[Type]:
    """Every concrete action class of the `actions` package, as rasa_sdk would find them."""
    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    return {cls for cls in subclasses(ContextAction) if not inspect.isabstract(cls)}


def test_the_registry_runs_every_custom_action_of_the_domain():
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    names = [action.name() for action in all_actions(CONTEXT)]
    assert sorted(names) == sorted(set(domain.user_actions) - set(domain.responses))


def test_no_action_class_is_left_out_of_the_registry():
    assert concrete_action_classes() == set(ACTION_CLASSES)


def test_each_action_holds_the_context_it_was_built_with():
    other = ActionContext.from_settings(load_settings({"SUPPORT_PHONE_NUMBER": "01 23 45 67 89"}))
    assert all(action.context is CONTEXT for action in all_actions(CONTEXT))
    assert all(action.context is other for action in all_actions(other))
