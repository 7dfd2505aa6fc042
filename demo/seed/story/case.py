"""One demo case's whole story: the stages in order, and where an open case stops."""

from __future__ import annotations

import contextlib

from complaints.models import State
from demo import data
from demo.seed.story.base import Step, Stop
from demo.seed.story.closing import ClosingSteps
from demo.seed.story.handling import HandlingSteps
from demo.seed.story.intake import IntakeSteps
from demo.seed.story.playback import Playback


class CaseStory(IntakeSteps, HandlingSteps, ClosingSteps, Playback):
    """Plans one case's life as timed steps, then plays them through the services."""

    def plan(self) -> list[Step]:
        with contextlib.suppress(Stop):
            self._plan()
        return self.steps

    def _plan(self) -> None:
        spec = self.spec
        self._intake()
        if spec.target == State.INTAKE:
            if self.rng.random() < 0.4:
                self._acknowledge()
            raise Stop
        if spec.target == State.REJECTED and spec.reject_at_intake:
            self._reject()
        self._acknowledge()
        if spec.withdraw_at == "intake":
            self._withdraw()
        self.add("transition", actor=self.agent, name="start_triage")
        if spec.target == State.TRIAGE and spec.variant == "unrouted":
            raise Stop
        self.desk(3, 40)
        self._route()
        if spec.scenario is not None:
            # The on-the-spot steps of the category's checklist, if any, done in time.
            self.add("checklist", actor=self.head, on_time=True)
        if spec.target == State.REJECTED:
            self._reject()
        if spec.target == State.TRIAGE:
            raise Stop
        if spec.withdraw_at == "triage":
            self._withdraw()
        for handling_round in range(self.final_round + 1):
            self.round = handling_round
            last = handling_round == self.final_round
            if self.round == 0 and spec.on_spot:
                self._answer_on_spot()
            else:
                self._investigate(last)
                self._decide(last)
            if last and spec.target == State.REPLY:
                raise Stop
            self._reply()
            if last:
                self._follow_up_and_close()
            else:
                self._follow_up_dissatisfied()
                self.desk(10, 120)
                self.add(
                    "transition",
                    actor=self.agent,
                    name="reopen",
                    data={"comment": data.REOPEN_COMMENT},
                )
