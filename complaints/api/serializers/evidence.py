"""Evidence files: uploaded as multipart, listed as metadata, downloaded as the stored bytes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.api.serializers.fields import username_of
from complaints.models import EvidenceFile


class EvidenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceFile.Kind.choices)
    file = serializers.FileField(
        help_text=_("Photo, video, audio, PDF, Word, Excel or plain text; checked by content.")
    )
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EvidenceFile.Kind.choices)
    original_name = serializers.CharField()
    content_type = serializers.CharField(help_text=_("The type found in the file's content."))
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    description = serializers.CharField()
    uploaded_by = username_of("uploaded_by", null=True)
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, evidence: EvidenceFile) -> str:
        # The view passes the reference it already has, so a list costs no query per file.
        reference = self.context.get("reference") or evidence.complaint.reference
        path = reverse(
            "api-evidence-download", kwargs={"reference": reference, "evidence_id": evidence.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
