"""Serializers of departments, people, services and availability."""

from rest_framework import serializers

from core.moments import future_message, is_future
from organisation.models import Availability, Department, Person, Service


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code"]


class PersonSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "user", "username", "name", "department", "manager", "job_title", "start_date", "end_date"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "slug", "domain", "description", "owner", "availability_norm", "active"]


class AvailabilitySerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = Availability
        fields = ["id", "service", "service_name", "month", "achieved", "note"]

    def validate_month(self, value):  # type: ignore[no-untyped-def]
        month = value.replace(day=1)
        if is_future(month):
            raise serializers.ValidationError(future_message(month))
        return month


class ServiceAvailabilityYearSerializer(serializers.Serializer):
    service = serializers.CharField()
    year = serializers.IntegerField()
    norm = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False)
    achieved = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False)
    met = serializers.BooleanField(allow_null=True)
    months = serializers.IntegerField()
