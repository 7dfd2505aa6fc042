"""The middle of a demo case: answering on the spot, investigating, deciding and approving."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from complaints.models import Channel, ContactDirection, ContactPurpose, State
from demo import data
from demo.seed.amounts import amount_bounds, round_amount
from demo.seed.planning import HANDLER_LIMIT
from demo.seed.story.base import Stop, StoryBase


class HandlingSteps(StoryBase):
    """The investigation (with hand-offs) and the decision (with approvals up the chain)."""

    def _answer_on_spot(self) -> None:
        self.wait(5, 40)
        self.add(
            "transition",
            actor=self.agent,
            name="answer_on_spot",
            data={"findings": self.spec.scenario.on_spot},
        )
        self.reply_text = data.ON_SPOT_REPLY.format(
            subject=self.spec.subject, findings=self.spec.scenario.on_spot
        )

    def _investigate(self, last: bool) -> None:
        spec, scenario, rng = self.spec, self.spec.scenario, self.rng
        if self.round == 0:
            self.office(30, 300)
            if last and spec.target == State.INVESTIGATION and spec.variant == "unassigned":
                self.add("transition", actor=self.head, name="start_investigation")
                raise Stop
            if self.head != self.handler:
                self.add(
                    "assign",
                    actor=self.head,
                    assignee=self.handler,
                    comment=rng.choice(data.ASSIGN_COMMENTS),
                )
                self.wait(1, 10)
            self.add("transition", actor=self.head, name="start_investigation")
        # The handler's work, in order; an open case stops part-way through it.
        work: list[tuple[str, dict[str, Any]]] = []
        work.append(
            (
                "contact",
                {
                    "channel": self._contact_channel(),
                    "direction": ContactDirection.OUTBOUND,
                    "purpose": ContactPurpose.PROGRESS,
                    "summary": self.text(rng.choice(data.PROGRESS_CONTACTS)),
                },
            )
        )
        notes = list(scenario.notes) or [rng.choice(data.GENERIC_NOTES)]
        for note in rng.sample(notes, min(len(notes), rng.randint(1, 2))):
            work.append(("note", {"text": note}))
        if self.round == 1:
            work = [("note", {"text": "二次处理：已与客户面谈，重新核查问题。"})]
        if last and spec.target == State.INVESTIGATION:
            work = work[: rng.randint(0, len(work))]
        for action, kwargs in work:
            self.office(60, 60 * 20)
            self.add(action, actor=self.handler, **kwargs)
        if self.round == 0:
            # The category's procedure checklist, if it has one: what needs no file is ticked.
            self.add("checklist", actor=self.handler)
        if self.round == 0 and rng.random() < 0.25:
            self.desk(60, 600)
            self.add(
                "contact",
                actor=self.agent,
                channel=Channel.PHONE,
                direction=ContactDirection.INBOUND,
                summary=rng.choice(data.INBOUND_CONTACTS),
            )
        handoff = scenario.handoff
        if (
            self.round == 0
            and handoff
            and handoff[0] != self.department
            and rng.random() < scenario.handoff_chance
            and not (last and spec.target == State.INVESTIGATION and rng.random() < 0.5)
        ):
            self._hand_off(*handoff)
        if last and spec.target == State.INVESTIGATION:
            raise Stop
        if last and spec.withdraw_at == "investigation":
            self._withdraw()
        self.working_days(0, 2)
        findings = data.SECOND_FINDINGS if self.round == 1 else self.text(scenario.findings)
        self.add(
            "transition",
            actor=self.handler,
            name="complete_investigation",
            data={"findings": findings},
        )

    def _hand_off(self, department: str, note: str) -> None:
        self.office(60, 600)
        if department == "legal":
            self.add(
                "triage",
                actor=self.head,
                legal_risk=True,
                comment="存在法律风险，转法务部。",
            )
            self.wait(2, 20)
        receiver = self.org.handler(department)
        self.add(
            "hand_off",
            actor=self.handler,
            to_department=self.org.departments[department],
            to_user=receiver,
            note=note,
        )
        self.department = department
        self.office(60, 60 * 8)
        self.add("note", actor=receiver, text="已接收交接材料，开始调查。")

    def _resolution(self) -> tuple[data.Resolution, int]:
        rng = self.rng
        claim = int(self.context["claim"].replace(",", ""))
        if self.round == 1:
            resolutions: tuple[data.Resolution, ...] = (data.SECOND_RESOLUTION,)
        else:
            resolutions = self.spec.scenario.resolutions
        resolution = rng.choices(resolutions, [r.weight for r in resolutions])[0]
        low, high = amount_bounds(resolution, claim)
        waits_for_approval = self.spec.variant in ("pending", "refused")
        if waits_for_approval and self.round == self.final_round:
            # An open case waiting on an approver: take the largest remedy, above the handler's limit.
            resolution = max(resolutions, key=lambda r: amount_bounds(r, claim)[1])
            low, high = amount_bounds(resolution, claim)
            low = max(low, HANDLER_LIMIT + 200)
            high = max(high, low)
        amount = round_amount(rng.uniform(low, high)) if high else 0
        return resolution, amount

    def _approver(self, amount: int, proposer: User) -> User:
        head = self.head
        if head != proposer and amount <= head.approval_limit:
            return head
        manager = self.org.users["manager"]
        if manager != proposer and amount <= manager.approval_limit:
            return manager
        return self.org.users["executive"]

    def _decide(self, last: bool) -> None:
        spec, rng = self.spec, self.rng
        at_decision = last and spec.target == State.DECISION
        if at_decision and spec.variant == "not_proposed":
            raise Stop
        resolution, amount = self._resolution()
        self.context["amount"] = f"{amount:,}"
        proposal = {
            "remedy": resolution.remedy,
            "outcome": resolution.outcome,
            "rationale": self.text(resolution.rationale),
            "root_cause": spec.scenario.root_cause,
        }
        self.office(30, 60 * 6)
        handler = self.handler
        needs_approval = amount > handler.approval_limit
        approver = self._approver(amount, handler) if needs_approval else None
        self.add("propose", actor=handler, amount=amount, approver=approver, **proposal)
        if needs_approval:
            if at_decision and spec.variant == "pending":
                raise Stop
            self.office(60, 60 * 16)
            refuse = (at_decision and spec.variant == "refused") or rng.random() < 0.15
            if refuse:
                self.add("refuse", actor=approver, comment=rng.choice(data.REFUSAL_COMMENTS))
                if at_decision:
                    raise Stop
                amount = round_amount(amount * rng.uniform(0.6, 0.85))
                self.context["amount"] = f"{amount:,}"
                proposal["rationale"] = self.text(resolution.rationale)
                self.working_days(1, 2)
                needs_approval = amount > handler.approval_limit
                approver = self._approver(amount, handler) if needs_approval else None
                self.add("propose", actor=handler, amount=amount, approver=approver, **proposal)
                if needs_approval:
                    self.office(60, 60 * 10)
            if needs_approval:
                self.add("approve", actor=approver, comment=rng.choice(data.APPROVAL_COMMENTS))
        if at_decision:
            raise Stop
        self.office(10, 120)
        self.add("transition", actor=handler, name="decide")
        self.reply_text = rng.choice(data.REPLY_TEMPLATES).format(
            subject=spec.subject, rationale=proposal["rationale"]
        )
