import uuid

from django.db import models


class CeilingAnswer(models.Model):
    """One stored answer; `submission` groups the answers of one questionnaire."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.UUIDField()
    code = models.CharField(max_length=64)
    value = models.TextField()

    def __str__(self) -> str:
        return f"{self.code}={self.value[:20]}"
