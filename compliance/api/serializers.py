from rest_framework import serializers

from compliance.models import FollowUpAction


class FollowUpActionSerializer(serializers.ModelSerializer):
    source_model = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpAction
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "source_model",
            "source_type",
            "source_id",
            "created_at",
            "completed_at",
            "resolution",
        ]
        read_only_fields = ["created_at"]

    def get_source_model(self, obj: FollowUpAction) -> str | None:
        if obj.source_type_id is None:
            return None
        return f"{obj.source_type.app_label}.{obj.source_type.model}"
