"""The signed-in user as the service sees them, and what they may see: a community is a
trust boundary, so every use case asks the principal before it shows or changes anything."""

from __future__ import annotations

from dataclasses import dataclass

from service.matrix import MATRIX

SYSTEM_ROLE = "system"  # the service's own processes (followers, the command line); never an account's role
ABOVE_COMMUNITIES = (SYSTEM_ROLE, "oversight", "administrator")  # roles that may be held for the whole deployment
CONTACTS_PETITIONERS = ("desk_staff", "handling_member")  # roles that need petitioners' name, phone, address
OVERSEES_MEMBERS = ("desk_staff", "committee_secretary")  # see every member's visits and households of their community


@dataclass(frozen=True)
class Principal:
    username: str
    display_name: str
    roles: tuple[str, ...]
    community_code: str | None = None
    member_id: str | None = None
    must_change_password: bool = False  # a password reset by an administrator: nothing else until it is changed

    def can(self, action: str) -> bool:
        return any(role in MATRIX[action] for role in self.roles)

    @property
    def deployment_wide(self) -> bool:
        """Holds a role above the communities (the street office's oversight, a deployment administrator)."""
        return self.community_code is None and any(role in ABOVE_COMMUNITIES for role in self.roles)

    def sees(self, community_code: str | None) -> bool:
        """Whether anything of this community may be shown to this user or changed by them."""
        return self.deployment_wide or (community_code is not None and community_code == self.community_code)

    def community_filter(self, wanted: str | None) -> str | None:
        """The community a list is read for: the user's own (whatever was asked) unless they see every
        community. Naming another community is refused by the caller (``sees`` is False)."""
        return wanted if self.deployment_wide else self.community_code

    def reads_personal_data_of(self, community_code: str | None) -> bool:
        """Need to know: petitioners' personal data only for those who contact petitioners, in their community."""
        if SYSTEM_ROLE in self.roles:
            return True
        return (community_code is not None and community_code == self.community_code
                and any(role in CONTACTS_PETITIONERS for role in self.roles))

    def oversees_members_of(self, community_code: str | None) -> bool:
        """The desk and the secretary see every member's visits, pairings and households of their community."""
        if SYSTEM_ROLE in self.roles:
            return True
        return (community_code is not None and community_code == self.community_code
                and any(role in OVERSEES_MEMBERS for role in self.roles))

    def reads_household_data_of(self, community_code: str | None, member_id: str | None) -> bool:
        """Need to know: a household's name, phone, address and difficulties only for the member who keeps
        the link with it, and the community's desk staff and secretary."""
        return self.oversees_members_of(community_code) or (
            community_code is not None and community_code == self.community_code
            and member_id is not None and member_id == self.member_id)

    @property
    def is_the_service(self) -> bool:
        """The service's own processes (followers, demo loading, the command line), not a person."""
        return SYSTEM_ROLE in self.roles

    @property
    def handles_only_own(self) -> bool:
        """A handling member (without desk duty) acts only on the petitions they are responsible for."""
        return "handling_member" in self.roles and "desk_staff" not in self.roles


SYSTEM = Principal("system", "系统 System", (SYSTEM_ROLE, "administrator"))
