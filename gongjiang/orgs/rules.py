"""What each role may do, as capabilities; the scope of a capability is the role's union subtree."""

from .enums import RoleKind

VIEW_UNIONS = "view_unions"
CHANGE_UNIONS = "change_unions"
VIEW_EMPLOYERS = "view_employers"
CHANGE_EMPLOYERS = "change_employers"
VIEW_WORKERS = "view_workers"
CHANGE_WORKERS = "change_workers"
VIEW_PII = "view_pii"
IMPORT_WORKERS = "import_workers"
MANAGE_ACCOUNTS = "manage_accounts"
MANAGE_COMPETITIONS = "manage_competitions"  # organise: create, change state, see every entry
ENTER_COMPETITIONS = "enter_competitions"  # register the union's own workers
VIEW_STUDIOS = "view_studios"  # innovation studios and the alliances their union leads or joins
APPLY_STUDIOS = "apply_studios"  # apply for a studio of the union's employers
MANAGE_STUDIOS = "manage_studios"  # name and close studios, form alliances, evaluate and delist, targets
VIEW_COMPETITIONS = "view_competitions"  # read the subtree's competitions (leadership)
VIEW_COLLEGES = "view_colleges"  # read the subtree's colleges and classes (leadership)
VIEW_AWARDS = "view_awards"  # see decisions, ledger lines and nominations about the subtree's workers
REVIEW_AWARDS = "review_awards"  # accept, adjust or reject proposals; propose lines; nominate for honours
MANAGE_POLICY = "manage_policy"  # documents, rule versions, programmes, budgets, honour cycles
APPROVE_PAYMENTS = "approve_payments"  # approve and pay ledger lines, approve nominations
MANAGE_FUNDS = "manage_funds"  # a union's own programmes (e.g. alliance activity funds): budgets, lines
MANAGE_COLLEGES = "manage_colleges"  # run the colleges of the subtree: staff, teachers, courses, classes
ENROL_COLLEGES = "enrol_colleges"  # enrol the union's own workers in college classes, in bulk
# A college admin runs only the colleges they are linked to (colleges.CollegeStaff); this capability
# says they hold the role and must never be used as a union reach.
STAFF_COLLEGES = "staff_colleges"
REVIEW_INNOVATIONS = "review_innovations"  # check workers' innovations, calculate their benefit, notice them
APPRAISE_INNOVATIONS = "appraise_innovations"  # record the expert panel's appraisal (grade) of an innovation
# The finance office confirms an innovation's calculated benefit; only at the union it is held at
# (the enterprise's own finance), never down a subtree (innovations.queries reads ``roots``).
CONFIRM_BENEFITS = "confirm_benefits"

_ADMIN = frozenset(
    {
        VIEW_UNIONS,
        CHANGE_UNIONS,
        VIEW_EMPLOYERS,
        CHANGE_EMPLOYERS,
        VIEW_WORKERS,
        CHANGE_WORKERS,
        VIEW_PII,
        IMPORT_WORKERS,
        MANAGE_ACCOUNTS,
        MANAGE_COMPETITIONS,
        ENTER_COMPETITIONS,
        VIEW_STUDIOS,
        APPLY_STUDIOS,
        MANAGE_STUDIOS,
        VIEW_AWARDS,
        REVIEW_AWARDS,
        MANAGE_FUNDS,
        MANAGE_COLLEGES,
        ENROL_COLLEGES,
        REVIEW_INNOVATIONS,
        APPRAISE_INNOVATIONS,
    }
)
# Only the provincial federation sets policy and moves money.
_PROVINCE = _ADMIN | {MANAGE_POLICY, APPROVE_PAYMENTS}

CAPABILITIES: dict[str, frozenset[str]] = {
    RoleKind.PROVINCE_ADMIN: _PROVINCE,
    RoleKind.UNION_ADMIN: _ADMIN,
    RoleKind.ENTERPRISE_STAFF: frozenset(
        {
            VIEW_UNIONS,
            VIEW_EMPLOYERS,
            VIEW_WORKERS,
            CHANGE_WORKERS,
            VIEW_PII,
            IMPORT_WORKERS,
            ENTER_COMPETITIONS,
            VIEW_STUDIOS,
            APPLY_STUDIOS,
            VIEW_AWARDS,
            ENROL_COLLEGES,
            REVIEW_INNOVATIONS,
        }
    ),
    # Finance approves and pays ledger lines (and honours' money) and reads the decisions, budgets
    # and reports behind them; it changes no register, grants nothing and sets no policy.
    RoleKind.FINANCE: frozenset({APPROVE_PAYMENTS, VIEW_AWARDS}),
    # An enterprise's own finance office confirms the economic benefit of its workers' innovations,
    # at its enterprise union only; it moves no money and reads nothing else.
    RoleKind.ENTERPRISE_FINANCE: frozenset({CONFIRM_BENEFITS}),
    # Leadership reads the lists, figures and reports of its subtree and writes nothing: no
    # change_*, manage_*, import, enrol or approve capability, and no unmasked personal data.
    RoleKind.LEADERSHIP: frozenset(
        {VIEW_UNIONS, VIEW_EMPLOYERS, VIEW_WORKERS, VIEW_STUDIOS, VIEW_AWARDS, VIEW_COMPETITIONS, VIEW_COLLEGES}
    ),
    # These roles work on competitions, studios and colleges; they see no worker registry.
    RoleKind.COLLEGE_ADMIN: frozenset({STAFF_COLLEGES}),
    RoleKind.JUDGE: frozenset(),
    RoleKind.STUDIO_LEAD: frozenset(),
    # A worker sees their own record only (people.queries handles "self").
    RoleKind.WORKER: frozenset(),
}

# Roles a union admin may grant inside their subtree; only the province grants province admins.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    RoleKind.PROVINCE_ADMIN: frozenset(RoleKind.values),
    RoleKind.UNION_ADMIN: frozenset(RoleKind.values) - {RoleKind.PROVINCE_ADMIN},
}

# Roles whose every log-in needs a second factor (TOTP or a recovery code): administrators of the
# province and of the cities (and the province-level industrial unions), whose reach is widest.
# Operations staff (the /ops/admin/ site) need it too; any other user may opt in.
TWO_FACTOR_UNION_KINDS = frozenset({"province", "city", "industry"})


def two_factor_required(user: object, roles: list) -> bool:  # roles: the user's orgs.Role rows
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    for role in roles:
        if role.kind == RoleKind.PROVINCE_ADMIN:
            return True
        if role.kind == RoleKind.UNION_ADMIN and role.union.kind in TWO_FACTOR_UNION_KINDS:
            return True
    return False
