"""Roles are Django groups; this module is the single statement of what each role may do.

Migrations call `sync_role_groups` with their historical app registry, so changing a role's
permissions means editing ROLE_PERMISSIONS and adding a migration that calls it again.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    AGENT = "agent"
    HANDLER = "handler"
    DEPT_HEAD = "dept_head"
    COMPLAINT_MANAGER = "complaint_manager"
    EXECUTIVE = "executive"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.AGENT: _("Customer-service agent"),
    Role.HANDLER: _("Department handler"),
    Role.DEPT_HEAD: _("Department head"),
    Role.COMPLAINT_MANAGER: _("Complaint manager"),
    Role.EXECUTIVE: _("Senior management"),
    Role.AUDITOR: _("Auditor"),
}

# Read-only access to every record, for the auditor and for everyone's admin "view" screens.
# Not accounts.view_user: people's accounts are for administrators (accounts.admin.UserAdmin).
_VIEW_ALL = [
    "accounts.view_department",
    "complaints.view_customer",
    "complaints.view_category",
    "complaints.view_complaint",
    "complaints.view_caseevent",
    "complaints.view_handoff",
    "complaints.view_evidencefile",
    "complaints.view_decision",
    "complaints.view_decisionapproval",
    "complaints.view_customercontact",
    "complaints.view_followup",
    "complaints.view_outsidebody",
    "complaints.view_outsidebodydocument",
    "complaints.view_offsaleorder",
    "complaints.view_agreement",
    "complaints.view_agreementpayment",
    "complaints.view_qualityreferral",
    "complaints.view_qualityanswer",
    "complaints.view_lostproperty",
    "complaints.view_injuryrecord",
    "complaints.view_injurywitness",
    "complaints.view_injurydocument",
    "complaints.view_injurycompensation",
    # The case library and the canned replies are read by every staff role (issue 18 §2-3).
    "complaints.view_casestudy",
    "complaints.view_cannedreply",
    "sla.view_clock",
    "sla.view_clockpause",
    "sla.view_escalation",
    "sla.view_reminder",
    "sla.view_slapolicy",
    "sla.view_slatarget",
    "sla.view_businesscalendar",
    "sla.view_calendarday",
    "sla.view_calendaryear",
    # Improvement actions (整改措施): everyone reads those within their reach
    # (complaints.selectors.improvement).
    "complaints.view_improvementaction",
    "complaints.view_improvementactioncase",
]
# Everyone who works cases has an inbox (reminders, escalations, assignments, approvals).
_INBOX = ["complaints.view_notification"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: [
        *_VIEW_ALL,
        *_INBOX,
        "complaints.view_all_complaints",
        "complaints.receive_complaint",
        "complaints.triage_complaint",
        "complaints.answer_on_spot",
        "complaints.reject_complaint",
        "complaints.comment_on_complaint",
        "complaints.contact_customer",
        # Regulators, consumer associations, insurers, police, courts, media (issue 16 §2).
        "complaints.handle_outside_body",
        "complaints.reply_to_customer",
        "complaints.follow_up_complaint",
        "complaints.withdraw_complaint",
        "complaints.unmask_customer_pii",
        # Seed 004 §四.1: the service desk tells quality control of a quality complaint.
        "complaints.refer_to_quality",
        # Seed 004: the service centre receives papers at the door and fills in the lost
        # property register (§九, §五.3 H).
        "complaints.view_legaldocument",
        "complaints.view_legaldocumentfile",
        "complaints.record_legal_document",
        "complaints.record_lost_property",
        # Seed 004 §三.1-2: the service centre is first on the spot of an injury.
        "complaints.record_injury",
    ],
    Role.HANDLER: [
        *_VIEW_ALL,
        *_INBOX,
        "complaints.view_department_complaints",
        "complaints.investigate_complaint",
        "complaints.comment_on_complaint",
        "complaints.contact_customer",
        "complaints.handle_outside_body",
        "complaints.propose_decision",
        "complaints.decide_complaint",
        "complaints.reply_to_customer",
        "complaints.withdraw_complaint",
        "complaints.unmask_customer_pii",
        "complaints.record_agreement",
        "complaints.refer_to_quality",
        # Risk control (风险防控部) records lost property and what came of it (§五.3).
        "complaints.record_lost_property",
        "complaints.record_injury",
        # Its handler proposes a closed case as a teaching case (案例分享, issue 18 §2).
        "complaints.propose_case_study",
    ],
    Role.DEPT_HEAD: [
        *_VIEW_ALL,
        *_INBOX,
        "complaints.view_department_complaints",
        "complaints.triage_complaint",
        "complaints.reject_complaint",
        "complaints.investigate_complaint",
        "complaints.comment_on_complaint",
        "complaints.contact_customer",
        "complaints.handle_outside_body",
        "complaints.propose_decision",
        "complaints.approve_decision",
        "complaints.decide_complaint",
        "complaints.reply_to_customer",
        "complaints.withdraw_complaint",
        "complaints.unmask_customer_pii",
        "complaints.record_agreement",
        "complaints.refer_to_quality",
        "complaints.view_legaldocument",
        "complaints.view_legaldocumentfile",
        "complaints.record_legal_document",
        "complaints.record_lost_property",
        "complaints.view_lost_property_statistics",
        "complaints.record_injury",
        # Issue 18 §1: heads start improvement actions for their departments.
        "complaints.manage_improvement_action",
        "complaints.propose_case_study",
        "reports.view_dashboard",
        "reports.export_complaints",
    ],
    Role.COMPLAINT_MANAGER: [
        *_VIEW_ALL,
        *_INBOX,
        "complaints.view_all_complaints",
        "complaints.receive_complaint",
        "complaints.triage_complaint",
        "complaints.answer_on_spot",
        "complaints.reject_complaint",
        "complaints.investigate_complaint",
        "complaints.comment_on_complaint",
        "complaints.contact_customer",
        "complaints.handle_outside_body",
        "complaints.propose_decision",
        "complaints.approve_decision",
        "complaints.decide_complaint",
        "complaints.reply_to_customer",
        "complaints.follow_up_complaint",
        "complaints.withdraw_complaint",
        "complaints.view_customer_pii",
        # 个人信息保护法: legal holds, and people's requests for a copy or erasure of their data.
        "complaints.set_legal_hold",
        "complaints.handle_rights_request",
        # Seed 004 §三.18-19: agreements, and the payments the cash office makes against them once
        # the decision is approved (not the roles that propose decisions in departments).
        "complaints.record_agreement",
        "complaints.record_payment",
        "complaints.refer_to_quality",
        "complaints.view_legaldocument",
        "complaints.view_legaldocumentfile",
        "complaints.record_legal_document",
        "complaints.record_lost_property",
        "complaints.view_lost_property_statistics",
        "complaints.record_injury",
        # Issue 18 §1: improvement actions, started for any department and verified here.
        "complaints.manage_improvement_action",
        "complaints.verify_improvement_action",
        "complaints.view_all_improvement_actions",
        # The case library's reviewers, and the keepers of the canned replies (issue 18 §2-3).
        "complaints.propose_case_study",
        "complaints.review_case_study",
        "complaints.add_cannedreply",
        "complaints.change_cannedreply",
        "complaints.delete_cannedreply",
        "reports.view_dashboard",
        "reports.export_complaints",
        "reports.view_any_export",
    ],
    Role.EXECUTIVE: [
        *_VIEW_ALL,
        *_INBOX,
        "complaints.view_all_complaints",
        "complaints.comment_on_complaint",
        "complaints.approve_decision",
        "complaints.unmask_customer_pii",
        "complaints.set_legal_hold",
        # Seed 004 §九: senior management hears of every legal document and may record one.
        "complaints.view_legaldocument",
        "complaints.view_legaldocumentfile",
        "complaints.record_legal_document",
        "complaints.view_lost_property_statistics",
        # Seed 004 §三.9: only senior management lets an advance go without the original receipts.
        "complaints.waive_injury_receipts",
        "complaints.view_all_improvement_actions",
        "reports.view_dashboard",
        "reports.export_complaints",
    ],
    Role.AUDITOR: [
        *_VIEW_ALL,
        # The audit log (sign-ins, lockouts, role and permission changes, exports) in the admin.
        "accounts.view_auditentry",
        # The reveal report: every masked contact detail someone chose to see.
        "complaints.view_contactreveal",
        "complaints.view_legaldocument",
        "complaints.view_legaldocumentfile",
        "complaints.view_lost_property_statistics",
        "complaints.view_all_complaints",
        "complaints.view_all_improvement_actions",
        "reports.view_dashboard",
        "reports.export_complaints",
    ],
}


def sync_role_groups(apps: Any) -> None:
    """Create the role groups and set exactly the permissions listed above (idempotent)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    # An early migration runs before later apps' models exist; their permissions are skipped here
    # and granted by the later migration that calls this again (tests check none is left out).
    existing = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        group.permissions.set([existing[name] for name in permission_names if name in existing])
