"""The first steps of a demo case: intake, acknowledgement, routing, and the early endings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from complaints.models import Channel, ContactDirection, ContactPurpose, RejectionReason
from complaints.services import Flags
from demo import data
from demo.seed.story.base import Stop, StoryBase

SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.API)  # filed without a staff member


class IntakeSteps(StoryBase):
    """Recording the complaint, acknowledging it, routing it; rejecting or withdrawing it."""

    def _intake(self) -> None:
        spec, scenario = self.spec, self.spec.scenario
        if spec.channel in SELF_SERVICE_CHANNELS:
            recorder = None
            self.wait(0, 2)
        elif spec.channel in (Channel.PHONE, Channel.WALK_IN):
            recorder = self.agent if self.rng.random() < 0.9 else self.org.users["manager"]
            self.wait(3, 25)
        else:
            recorder = self.agent if self.rng.random() < 0.9 else self.org.users["manager"]
            self.desk(30, 300)
        fields: dict[str, Any] = {
            "actor": recorder,
            "channel": spec.channel,
            "customer_name": spec.customer.name,
            "customer_phone": spec.customer.phone,
            "customer_email": spec.customer.email,
            "customer_address": spec.customer.address,
            "customer_region": spec.customer.region,
            "received_at": spec.received_at,
        }
        prefix = data.CHANNEL_PREFIX.get(spec.channel, "")
        if scenario is None:  # a complaint that will not be accepted
            if spec.duplicate_of is not None:
                original = spec.duplicate_of
                subject = f"重复投诉：{original.subject}"
                description = f"客户再次反映“{original.subject}”，要求尽快处理。"
            else:
                subject = spec.rejection.subject
                description = spec.rejection.description
            spec.subject = subject
            fields.update(subject=subject, description=prefix + description)
            self.add("create", **fields)
            return
        spec.subject = self.text(scenario.subject)
        claim = Decimal(self.context["claim"].replace(",", "")) if scenario.claim else None
        flags = Flags(
            personal_injury="personal_injury" in scenario.flags,
            media_involved="media_involved" in scenario.flags or spec.channel == Channel.MEDIA,
            regulator_involved=spec.channel == Channel.REGULATOR_12315,
        )
        category = None
        if recorder is not None and self.rng.random() < 0.4:
            category = self.org.categories[scenario.category]
        fields.update(
            subject=spec.subject,
            description=prefix + self.text(scenario.description),
            product_or_service=self.text(scenario.service),
            order_ref=self._order_ref(scenario.line),
            expected_resolution=self.text(scenario.expected),
            remedy_sought=scenario.remedy_sought,
            amount_claimed=claim,
            category=category,
            flags=flags,
        )
        self.add("create", **fields)

    def _order_ref(self, line: str) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return ""
        year = timezone.localtime(self.spec.received_at).year
        return {
            "home": f"XS{year}{rng.randrange(10**6):06d}",
            "auto": f"WX{year}{rng.randrange(10**5):05d}",
            "auction": f"LOT-{rng.randint(1, 400):04d}",
            "agency": f"DB{year}{rng.randrange(10**4):04d}",
        }[line]

    def _acknowledge(self) -> None:
        # Mostly within hours; now and then only the next day (a missed first-response target).
        if self.rng.random() < 0.1:
            self.working_days(1, 1)
        else:
            self.desk(10, 200)
        channel = self._contact_channel()
        summary = (
            data.EMAIL_ACKNOWLEDGEMENT
            if channel == Channel.EMAIL
            else self.rng.choice(data.ACKNOWLEDGEMENTS)
        )
        self.add(
            "contact",
            actor=self.agent,
            channel=channel,
            direction=ContactDirection.OUTBOUND,
            purpose=ContactPurpose.ACKNOWLEDGEMENT,
            summary=summary,
        )
        self.wait(2, 30)

    def _route(self) -> None:
        spec, scenario = self.spec, self.spec.scenario
        if scenario is None:
            code = spec.rejection.category if spec.rejection else None
            if spec.duplicate_of is not None:
                code = spec.duplicate_of.scenario.category
            if code:
                category = self.org.categories[code]
                self.add(
                    "triage",
                    actor=self.agent,
                    category=category,
                    department=category.default_department,
                    comment="初步核实。",
                )
            return
        category = self.org.categories[scenario.category]
        self.department = next(
            code
            for code, department in self.org.departments.items()
            if department.pk == category.default_department_id
        )
        changes: dict[str, Any] = {
            "category": category,
            "department": category.default_department,
            # A lawyer's letter stays a legal risk: the channel set it at intake.
            "legal_risk": "legal_risk" in scenario.flags or spec.channel == Channel.LEGAL_NOTICE,
        }
        if self.rng.random() < 0.15:
            changes["severity"] = "complex"
        self.desk(2, 30)
        self.add(
            "triage", actor=self.agent, comment=self.rng.choice(data.TRIAGE_COMMENTS), **changes
        )
        claim = int(self.context["claim"].replace(",", ""))
        serious = {"personal_injury", "media_involved"} & set(scenario.flags)
        if serious or spec.channel == Channel.MEDIA or claim >= 50000:
            self.desk(20, 240)
            self.add(
                "note",
                actor=self.org.users["executive"],
                text=self.rng.choice(data.URGENT_NOTES),
            )
        elif spec.channel == Channel.REGULATOR_12315:
            self.desk(20, 240)
            self.add("note", actor=self.org.users["manager"], text=data.URGENT_NOTES[1])

    def _reject(self) -> None:
        spec = self.spec
        actor = self.agent if self.rng.random() < 0.8 else self.org.users["manager"]
        if spec.duplicate_of is not None:
            reason, comment = RejectionReason.DUPLICATE, data.DUPLICATE_COMMENT
        else:
            reason, comment = spec.rejection.reason, spec.rejection.comment
        self.desk(15, 180)
        self.add(
            "transition", actor=actor, name="reject", data={"reason": reason, "comment": comment}
        )
        self.wait(2, 20)
        self.add(
            "contact",
            actor=actor,
            channel=self._contact_channel(),
            direction=ContactDirection.OUTBOUND,
            purpose=ContactPurpose.REPLY,
            summary=data.REJECTION_REPLY.format(comment=comment),
        )
        raise Stop
