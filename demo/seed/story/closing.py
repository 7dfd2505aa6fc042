"""The end of a demo case: the reply, the follow-up visits and the close."""

from __future__ import annotations

from functools import cached_property

from accounts.models import User
from complaints.models import FollowUpMethod, State
from demo import data
from demo.seed.story.base import Stop, StoryBase


class ClosingSteps(StoryBase):
    """Replying to the customer, visiting them afterwards, closing (or reopening) the case."""

    def _reply(self) -> None:
        if self.spec.on_spot and self.round == 0:
            self.wait(2, 30)
            actor = self.agent
        else:
            self.office(30, 60 * 8)
            actor = self.handler if self.rng.random() < 0.6 else self.agent
        self.add(
            "transition",
            actor=actor,
            name="send_reply",
            data={"channel": self._contact_channel(), "content": self.reply_text},
        )

    def _visit(self, reached: bool, satisfaction: int | None = None, comment: str = "") -> None:
        method = self.rng.choices(
            [FollowUpMethod.PHONE, FollowUpMethod.WECHAT, FollowUpMethod.SMS, FollowUpMethod.VISIT],
            [10, 3, 1, 1],
        )[0]
        self.add(
            "follow_up",
            actor=self.visitor,
            method=method,
            reached=reached,
            satisfaction=satisfaction if reached else None,
            resolved=(satisfaction >= 3) if reached else None,
            comment=comment or self.rng.choice(data.FAILED_FOLLOW_UPS),
        )

    @cached_property
    def visitor(self) -> User:
        return self.pick("agent", "agent2", "agent2", "manager")

    def _failed_attempts(self, count: int) -> None:
        for _ in range(count):
            self._visit(reached=False)
            self.working_days(1, 1)

    def _follow_up_and_close(self) -> None:
        spec, rng = self.spec, self.rng
        self.working_days(1, 3)
        if spec.target == State.FOLLOW_UP:
            if spec.variant == "failed":
                self._visit(reached=False)
            elif spec.variant == "dissatisfied":
                self._visit(True, rng.randint(1, 2), rng.choice(data.DISSATISFIED_COMMENTS))
            raise Stop
        if rng.random() < 0.05:
            self._failed_attempts(3)
            self.add(
                "transition",
                actor=self.visitor,
                name="close",
                data={"comment": data.EXHAUSTED_CLOSE},
            )
            return
        self._failed_attempts(rng.choices([0, 1, 2], [14, 4, 1])[0])
        satisfaction = rng.choices([3, 4, 5], [2, 4, 4])[0]
        self._visit(True, satisfaction, rng.choice(data.SATISFIED_COMMENTS))
        self.wait(1, 10)
        self.add("transition", actor=self.visitor, name="close")

    def _follow_up_dissatisfied(self) -> None:
        self.working_days(1, 3)
        self._visit(True, self.rng.randint(1, 2), self.rng.choice(data.DISSATISFIED_COMMENTS))
