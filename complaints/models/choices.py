"""Coded lists shared by the complaint models, the services and every interface."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in")
    SOCIAL_MEDIA = "social_media", _("Social media")
    LETTER = "letter", _("Letter")
    REGULATOR_12315 = "regulator_12315", _("Regulator referral (12315)")
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association")
    MEDIA = "media", _("Media")
    # Seed rules: complaints taken to a government department (12345 and the like) and lawyer's
    # letters or court papers (律师函, 起诉) go to senior management at once, like a 12315 referral.
    GOVERNMENT = "government", _("Government department referral")
    LEGAL_NOTICE = "legal_notice", _("Lawyer's letter or court papers")
    WEB = "web", _("Web form")
    API = "api", _("Partner system")
    # Text messages: the automatic ones to customers, and their replies (退订).
    SMS = "sms", _("Text message (SMS)")


class Severity(models.TextChoices):
    """Ordered from least to most serious; `Severity.rank` compares them."""

    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")
    URGENT = "urgent", _("Urgent")
    MAJOR = "major", _("Major")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def highest(cls, *values: str) -> str:
        return max(values, key=cls.rank)


class Remedy(models.TextChoices):
    """Remedies of GB/T 19012-2019 (ISO 10002:2018)."""

    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair / rework")
    REPLACEMENT = "replacement", _("Replacement")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Consultation")
    FINANCIAL_ASSISTANCE = "financial_assistance", _("Financial assistance")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    GIFT = "gift", _("Gift")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class RejectionReason(models.TextChoices):
    """Grounds for not accepting a complaint (不予受理), after the SAMR complaint rules."""

    NOT_A_COMPLAINT = "not_a_complaint", _("Not a consumer complaint about our goods or services")
    NO_CLEAR_CLAIM = "no_clear_claim", _("No clear claim or facts given")
    NOT_OUR_BUSINESS = "not_our_business", _("Goods or services not supplied by us")
    DUPLICATE = "duplicate", _("Already being handled or already answered (duplicate)")
    SETTLED = "settled", _("Already settled by agreement or mediation")
    COURT_OR_ARBITRATION = "court_or_arbitration", _("Before a court, arbitration or regulator")
    TIME_BARRED = "time_barred", _("Outside the time limit for complaints")
    CANNOT_CONTACT = "cannot_contact", _("Complainant cannot be identified or contacted")
    OTHER = "other", _("Other (explained in the note)")


class ContactDirection(models.TextChoices):
    INBOUND = "inbound", _("From customer")
    OUTBOUND = "outbound", _("To customer")


class ContactPurpose(models.TextChoices):
    GENERAL = "general", _("General contact")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    PROGRESS = "progress", _("Progress update")
    REPLY = "reply", _("Outcome reply")
    REJECTION = "rejection", _("Notice of non-acceptance")
    # A new tracking link the customer asked for on the public pages.
    TRACKING_LINK = "tracking_link", _("Tracking link")
    # The complaint was merged into another: the customer is told the one reference to follow.
    MERGED = "merged", _("Notice of merged complaints")


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    # The customer answered the satisfaction survey on the public pages themselves.
    WEB = "web", _("Online survey")

    @classmethod
    def staff_choices(cls) -> list[tuple[str, str]]:
        """What staff record a visit by: an online answer only ever comes from the customer."""
        return [(value, label) for value, label in cls.choices if value != cls.WEB]
