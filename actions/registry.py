"""Every action the action server runs, by class, constructed with the process's context.

The list is written out rather than found by scanning for `Action` subclasses as rasa_sdk's
`register_package` does: rasa_sdk constructs what it finds with no argument, and ours take
their `ActionContext` (actions/common.py). A unit test checks that the list names exactly
the custom actions of domain.yml and every concrete action class of this package.
"""

from __future__ import annotations

from typing import List, Tuple, Type

from actions.account import ActionAnswerAddresses, ActionAnswerInvoices, ActionAnswerPersonalData
from actions.common import ActionContext, ContextAction
from actions.flows import ActionPrefillFormSlots
from actions.forms import (
    ValidateDeleteAccountForm,
    ValidateDuplicateAccountsForm,
    ValidateLeaveMessageForm,
    ValidatePasswordEmailForm,
)
from actions.handover import ActionOpeningHours, ActionPhoneHandover
from actions.repair import ActionRepair
from actions.submissions import (
    ActionLeaveMessage,
    ActionOpenDeletionTicket,
    ActionOpenDuplicateTicket,
    ActionSendPasswordEmail,
)

ACTION_CLASSES: Tuple[Type[ContextAction], ...] = (
    ActionPhoneHandover,
    ActionOpeningHours,
    ActionPrefillFormSlots,
    ActionAnswerInvoices,
    ActionAnswerAddresses,
    ActionAnswerPersonalData,
    ValidatePasswordEmailForm,
    ValidateDeleteAccountForm,
    ValidateDuplicateAccountsForm,
    ValidateLeaveMessageForm,
    ActionSendPasswordEmail,
    ActionOpenDeletionTicket,
    ActionOpenDuplicateTicket,
    ActionLeaveMessage,
    ActionRepair,
)


def all_actions(context: ActionContext) -> List[ContextAction]:
    """One instance of every action, each holding `context`."""
    return [action_class(context) for action_class in ACTION_CLASSES]
