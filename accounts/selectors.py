"""Read queries about the organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Department, User
from accounts.roles import Role


def departments_for_picker(*, active_only: bool = True) -> QuerySet[Department]:
    """Departments for a picker, siblings by name; shown in tree order by accounts.tree."""
    departments = Department.objects.order_by("name")
    return departments.filter(is_active=True) if active_only else departments


def _subtree(root: int, parent_of: list[tuple[int, int | None]]) -> set[int]:
    children_of: dict[int | None, list[int]] = {}
    for dept_id, parent_id in parent_of:
        children_of.setdefault(parent_id, []).append(dept_id)
    found: set[int] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children_of.get(current, []))
    return found


def department_subtree_ids(*, department: Department) -> set[int]:
    """The department and every department below it (the tree is small; one query)."""
    return _subtree(department.pk, list(Department.objects.values_list("id", "parent_id")))


def department_scope_ids(*, user: User) -> set[int]:
    """Departments whose complaints a department-scoped user works on: a head sees the subtree.

    One query over the (small) department table answers both whether the user heads their own
    department and which departments lie below it. Kept on the user object for as long as it
    lives (one request, as Django keeps permissions): a page asks several times (visibility of the
    list, of the counts, the department queue).
    """
    cached = getattr(user, "_department_scope_cache", None)
    if cached is not None and cached[0] == user.department_id:
        return set(cached[1])
    if user.department_id is None:
        scope: set[int] = set()
    else:
        tree = list(Department.objects.values_list("id", "parent_id", "head_id"))
        heads_own = any(
            dept_id == user.department_id and head_id == user.pk for dept_id, _p, head_id in tree
        )
        scope = (
            _subtree(user.department_id, [(dept_id, parent_id) for dept_id, parent_id, _h in tree])
            if heads_own
            else {user.department_id}
        )
    user._department_scope_cache = (user.department_id, frozenset(scope))
    return scope


def users_with_permission(*, perm: str) -> QuerySet[User]:
    app_label, codename = perm.split(".")
    return (
        User.objects.filter(is_active=True)
        .filter(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        .distinct()
    )


def user_roles(*, user: User) -> list[Role]:
    """The roles (role groups) a user holds, in the order of accounts.roles.Role."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]


# Permissions that change records: what the admin site is for. The roles' view_* permissions open
# only read-only admin screens, which the workspace already shows better.
_CHANGING_ACTIONS = ("add_", "change_", "delete_")


def user_can_administer(*, user: User) -> bool:
    """Whether the admin site is a door for `user`: an active staff member who may change
    something there (the administrator; a superuser). Reads the permissions Django already keeps
    on the user for the request, so no query once any permission was checked."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return any(
        perm.partition(".")[2].startswith(_CHANGING_ACTIONS) for perm in user.get_all_permissions()
    )


def department_by_code(*, code: str) -> Department | None:
    """The active department with this code (settings name departments by code), or None."""
    if not code:
        return None
    return Department.objects.filter(code=code, is_active=True).select_related("head").first()


def department_contacts(*, department: Department | None) -> list[User]:
    """Who hears of something a department is asked to act on (a quality referral, an order to
    take a product off sale): its active head and its active members, head first.

    The one rule for "tell a department". Head and members, not the head alone: the request is
    the department's, not one person's; nobody hands it on inside quality control or purchasing
    (they have no queue in the product), so a head on leave must not leave it unread; and those
    told may read the case they were asked about (complaints.timeline, complaints.selectors.access).
    """
    if department is None:
        return []
    people = list(department.members.filter(is_active=True).order_by("pk"))
    head = department.head
    if head is not None and head.is_active:
        people = [head, *(person for person in people if person.pk != head.pk)]
    return people
