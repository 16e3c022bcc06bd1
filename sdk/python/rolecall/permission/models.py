"""Models of ``rolecall.permission``."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .._models import compact

__all__ = ["PermissionCheck", "Contribution", "PermissionExplanation"]


@dataclass
class PermissionCheck:
    """The answer of ``rolecall.permission.check``."""

    # Whether the effective role is at least the requested minimum role.
    allowed: bool
    # The effective role; None when the user holds none on the resource.
    effective_role: Optional[str] = None

    def __bool__(self) -> bool:
        return self.allowed

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"allowed": self.allowed, "effective_role": self.effective_role})


@dataclass
class Contribution:
    """One grant that contributes to an effective role."""

    # "direct", "group", "org_ownership" or "org_membership".
    source: str
    role: str
    # For "group" (and "org_ownership" through a group): the group.
    group_id: Optional[str] = None
    group_name: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"source": self.source, "role": self.role, "group_id": self.group_id,
                        "group_name": self.group_name})


@dataclass
class PermissionExplanation:
    """The answer of ``rolecall.permission.explain``."""

    # The effective role; None when the user holds none.
    effective_role: Optional[str] = None
    # Every contributing grant, most permissive first.
    contributions: List[Contribution] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"effective_role": self.effective_role,
                        "contributions": [c.to_dict() for c in self.contributions]})
