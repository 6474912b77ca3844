"""What the state machines of tests/security share."""

from django.db import transaction
from hypothesis.stateful import RuleBasedStateMachine


class RolledBack(RuleBasedStateMachine):
    """A state machine whose every run happens inside a transaction rolled back at its end, so
    that runs start from the same empty database without the cost of a test per run."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
