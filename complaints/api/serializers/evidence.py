"""Evidence files: uploaded as multipart, listed as metadata, downloaded as the stored bytes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.api.serializers.fields import username_of
from complaints.models import EvidenceFile
from complaints.privacy import Reader, evidence_restricted


class EvidenceInputSerializer(serializers.Serializer):
    """One evidence file to upload (multipart/form-data), its kind and an optional description."""

    kind = serializers.ChoiceField(
        choices=EvidenceFile.Kind.choices,
        help_text=_("What the file shows; some kinds take only some file types."),
    )
    file = serializers.FileField(
        help_text=_("Photo, video, audio, PDF, Word, Excel or plain text; checked by content.")
    )
    description = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the file is, in a few words."),
    )


class EvidenceSerializer(serializers.Serializer):
    """An evidence file's details. A kind restricted to other roles (medical records, identity
    documents: COMPLAINTS_SENSITIVE_EVIDENCE_ROLES) is listed with `restricted` true and without
    its name, type, checksum, description or download address; its download is a 404."""

    # Emptied for a reader the item's kind is restricted from.
    HIDDEN = ("original_name", "content_type", "sha256", "description")

    id = serializers.IntegerField(help_text=_("The file's id (for its details and download)."))
    kind = serializers.ChoiceField(
        choices=EvidenceFile.Kind.choices, help_text=_("What the file shows.")
    )
    restricted = serializers.SerializerMethodField()
    original_name = serializers.CharField(
        help_text=_("The file's name as uploaded; empty when restricted.")
    )
    content_type = serializers.CharField(help_text=_("The type found in the file's content."))
    size = serializers.IntegerField(help_text=_("Size in bytes."))
    sha256 = serializers.CharField(
        help_text=_("SHA-256 of the stored bytes, hex; empty when restricted.")
    )
    description = serializers.CharField(help_text=_("What the file is; empty when restricted."))
    uploaded_by = username_of(
        "uploaded_by",
        null=True,
        help_text=_("Who uploaded it (username); null when the customer did."),
    )
    uploaded_at = serializers.DateTimeField(help_text=_("When it was uploaded."))
    download_url = serializers.SerializerMethodField(
        help_text=_("Where to download the file; null when restricted.")
    )

    def get_restricted(self, evidence: EvidenceFile) -> bool:
        """Whether this item's kind is restricted from you: then only its kind and date show."""
        return evidence_restricted(user=self._reader(), kind=evidence.kind)

    def to_representation(self, evidence: EvidenceFile) -> dict[str, Any]:
        data = super().to_representation(evidence)
        if data["restricted"]:
            data.update(dict.fromkeys(self.HIDDEN, ""), download_url=None)
        return data

    def _reader(self) -> Reader:
        request = self.context.get("request")
        return getattr(request, "user", None) or AnonymousUser()

    def get_download_url(self, evidence: EvidenceFile) -> str | None:
        # The view passes the reference it already has, so a list costs no query per file.
        reference = self.context.get("reference") or evidence.complaint.reference
        path = reverse(
            "api-evidence-download", kwargs={"reference": reference, "evidence_id": evidence.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
