"""The procedure checklists of seed 004 §五 to §八 (README "Procedure checklists"), loaded once:
later runs leave them as the administrator edited them."""

from __future__ import annotations

from complaints.models import Category
from demo.data.checklists import CHECKLISTS
from sla.models import ChecklistTemplate, ChecklistTemplateStep
from sla.selectors import forget_policy_book


def ensure_checklists() -> list[ChecklistTemplate]:
    made = []
    for definition in CHECKLISTS:
        if ChecklistTemplate.objects.filter(code=definition.code).exists():
            continue
        template = ChecklistTemplate.objects.create(
            code=definition.code,
            name=definition.name,
            name_en=definition.name_en,
            source=definition.source,
            personal_injury=definition.personal_injury,
        )
        template.categories.set(Category.objects.filter(code__in=definition.categories))
        ChecklistTemplateStep.objects.bulk_create(
            ChecklistTemplateStep(
                template=template,
                position=position,
                text=step.text,
                text_en=step.text_en,
                who=step.who,
                who_en=step.who_en,
                amount=step.amount,
                unit=step.unit,
                evidence_required=step.evidence,
                injury_item=step.injury_item,
            )
            for position, step in enumerate(definition.steps, start=1)
        )
        made.append(template)
    if made:
        forget_policy_book()  # bulk_create sends no signal
    return made
