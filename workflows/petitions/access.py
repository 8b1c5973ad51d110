"""Who sees which petitions, and who sees a petitioner's personal data in full."""

from __future__ import annotations

from sqlalchemy import Select, false
from sqlalchemy.orm import Session

from models.org import Role, User
from models.petitions import Petition
from workflows.errors import NotFound, PermissionDenied
from workflows.petitions.normalize import mask_id, mask_name, mask_phone

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
SQUAD_ROLES = {Role.SQUAD_LEADER, Role.SQUAD_MEMBER}


def petition_scope(user: User, query: Select) -> Select:
    """Restrict a query over Petition to what the user may see: a squad only its own petitions."""
    if user.has(*SEES_ALL):
        return query
    if user.has(*SQUAD_ROLES):
        return query.where(Petition.squad_id == user.squad_id)
    return query.where(false())


def can_view(user: User, petition: Petition) -> bool:
    if user.has(*SEES_ALL):
        return True
    return user.has(*SQUAD_ROLES) and petition.squad_id is not None and petition.squad_id == user.squad_id


def can_see_petitioner(user: User, petition: Petition) -> bool:
    """Full name, phone and ID number: those handling it (the coordination section, which registers, dispatches
    and calls back, and the squad it is assigned to); everyone else sees them masked."""
    if user.has(Role.COORDINATOR):
        return True
    return user.has(*SQUAD_ROLES) and petition.squad_id is not None and petition.squad_id == user.squad_id


def can_reveal(user: User, petition: Petition) -> bool:
    """Who sees the petition but not its petitioner (leaders) may reveal one value, which is audited."""
    return can_view(user, petition) and not can_see_petitioner(user, petition)


def get_visible(session: Session, actor: User, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFound("信访件不存在")
    if not can_view(actor, petition):
        raise PermissionDenied("无权查看该信访件")
    return petition


def petitioner(petition: Petition, full: bool) -> dict[str, str]:
    """The petitioner's data, masked unless `full`."""
    if full:
        return {"name": petition.petitioner_name, "phone": petition.petitioner_phone,
                "id_no": petition.petitioner_id_no}
    return {"name": mask_name(petition.petitioner_name), "phone": mask_phone(petition.petitioner_phone),
            "id_no": mask_id(petition.petitioner_id_no)}
