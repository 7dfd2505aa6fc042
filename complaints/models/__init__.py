from .agreements import Agreement, AgreementPayment, PaymentMethod
from .categories import Category
from .choices import (
    Channel,
    ContactDirection,
    ContactPurpose,
    FollowUpMethod,
    Outcome,
    RejectionReason,
    Remedy,
    Severity,
)
from .complaint import (
    FINAL_STATES,
    OPEN_STATES,
    RETENTION_CLOCKS,
    Complaint,
    EscalationLevel,
    ReferenceSequence,
    State,
)
from .contacts import CustomerContact, CustomerEmail, FollowUp
from .customers import Customer
from .decisions import Decision, DecisionApproval
from .idempotency import IdempotencyKey
from .improvement import (
    LIVE_ACTION,
    ActionOrigin,
    ActionStatus,
    ImprovementAction,
    ImprovementActionCase,
    ImprovementActionFile,
    RootCause,
)
from .injury import (
    DOCUMENT_ITEMS,
    CompensationHead,
    InjuryCompensation,
    InjuryDocument,
    InjuryItem,
    InjuryRecord,
    InjuryWitness,
)
from .investigation import EvidenceFile, Handoff
from .library import CannedReply, CaseStudy
from .links import CaseLink
from .mailboxes import InboundEmail, Mailbox
from .notifications import Notification
from .outside_bodies import (
    HOLDING_KINDS,
    BodyKind,
    OffSaleOrder,
    OutsideBody,
    OutsideBodyDocument,
    OutsideBodyTarget,
    SigningText,
)
from .privacy import ContactField, ContactReveal, RevealLogIsAppendOnly, RevealReason
from .public import PublicSubmission
from .quality import QualityAnswer, QualityDepartment, QualityReferral
from .registers import LegalDocument, LegalDocumentFile, LostProperty
from .rights import RightsRequest
from .texts import CustomerText
from .timeline import WORK_KINDS, CaseEvent, CaseParticipant, TimelineIsAppendOnly
from .webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent, webhook_types

__all__ = [
    "DOCUMENT_ITEMS",
    "FINAL_STATES",
    "HOLDING_KINDS",
    "LIVE_ACTION",
    "OPEN_STATES",
    "RETENTION_CLOCKS",
    "WORK_KINDS",
    "ActionOrigin",
    "ActionStatus",
    "Agreement",
    "AgreementPayment",
    "BodyKind",
    "CannedReply",
    "CaseEvent",
    "CaseLink",
    "CaseParticipant",
    "CaseStudy",
    "Category",
    "Channel",
    "CompensationHead",
    "Complaint",
    "ContactDirection",
    "ContactField",
    "ContactPurpose",
    "ContactReveal",
    "Customer",
    "CustomerContact",
    "CustomerEmail",
    "CustomerText",
    "Decision",
    "DecisionApproval",
    "EscalationLevel",
    "EvidenceFile",
    "FollowUp",
    "FollowUpMethod",
    "Handoff",
    "IdempotencyKey",
    "ImprovementAction",
    "ImprovementActionCase",
    "ImprovementActionFile",
    "InboundEmail",
    "InjuryCompensation",
    "InjuryDocument",
    "InjuryItem",
    "InjuryRecord",
    "InjuryWitness",
    "LegalDocument",
    "LegalDocumentFile",
    "LostProperty",
    "Mailbox",
    "Notification",
    "OffSaleOrder",
    "Outcome",
    "OutsideBody",
    "OutsideBodyDocument",
    "OutsideBodyTarget",
    "PaymentMethod",
    "PublicSubmission",
    "QualityAnswer",
    "QualityDepartment",
    "QualityReferral",
    "ReferenceSequence",
    "RejectionReason",
    "Remedy",
    "RevealLogIsAppendOnly",
    "RevealReason",
    "RightsRequest",
    "RootCause",
    "Severity",
    "SigningText",
    "State",
    "TimelineIsAppendOnly",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "webhook_types",
]
