"""The domain's fixed vocabularies, for the layers above the service."""

from domain.community import KINDS, MEMBER_ROLES
from domain.petition import (
    CATEGORIES, CHANNELS, EXPLANATION_METHODS, EXPLANATION_REASONS, SATISFACTION, STEPS_BY_STATUS,
)

STATUSES = tuple(STEPS_BY_STATUS)

__all__ = [
    "CATEGORIES", "CHANNELS", "EXPLANATION_METHODS", "EXPLANATION_REASONS", "KINDS", "MEMBER_ROLES",
    "SATISFACTION", "STATUSES",
]
