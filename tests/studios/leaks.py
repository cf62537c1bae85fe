"""The studios entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    # Studios. An alliance page shows its member studios' names and employers to everyone who may see
    # the alliance (its lead union's subtree, and the unions and leads of every member studio): that is
    # what membership means (成果社会化共享), and so do its joint projects, its board and the matcher's
    # reasons (which cite members' project titles). A member studio's own page, team, honours and
    # projects stay with its employer's unions and its lead (test_alliance_members_see_each_other_by_name_only
    # below). A problem its poster opens to every alliance (揭榜挂帅 across alliances) is seen, with the
    # posting studio's name and employer, by every union official and studio lead
    # (test_an_opened_problem_is_public_to_the_board_only below).
    "studios:list": ("list", lambda o: {}),
    "studios:create": ("form", lambda o: {}),
    "studios:detail": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:edit": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:decide": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:decide_many": ("bulk", lambda o: {"objects": [o.harbin_studio]}),
    "studios:close": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:lead": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:member_add": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:project_create": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:result_create": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:report": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:join": ("object", lambda o: {"pk": o.harbin_studio.pk}),
    "studios:alliance_list": ("list", lambda o: {}),
    "studios:alliance_create": ("form", lambda o: {}),
    "studios:alliance_detail": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_decide": ("object", lambda o: {"pk": o.harbin_proposed_alliance.pk}),
    "studios:alliances_decide_many": ("bulk", lambda o: {"objects": [o.harbin_proposed_alliance]}),
    "studios:alliance_member_add": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_external_add": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_chair": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_funds": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_activity": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_criteria": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_evaluate": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:alliance_inactivity": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:problem_create": ("object", lambda o: {"pk": o.harbin_alliance.pk}),
    "studios:member_admit": ("object", lambda o: {"pk": o.harbin_membership.pk}),
    "studios:member_delist": ("object", lambda o: {"pk": o.harbin_membership.pk}),
    "studios:problem_list": ("list", lambda o: {}),
    "studios:problem_detail": ("object", lambda o: {"pk": o.harbin_problem.pk}),
    "studios:problem_claim": ("object", lambda o: {"pk": o.harbin_problem.pk}),
    "studios:problem_attachment": ("object", lambda o: {"pk": o.harbin_problem.attachments.get().pk}),
    "studios:problem_attachments_add": ("object", lambda o: {"pk": o.harbin_problem.pk}),
    "studios:claim_accept": ("object", lambda o: {"pk": o.harbin_claim.pk}),
    "studios:claim_decline": ("object", lambda o: {"pk": o.harbin_claim.pk}),
    "studios:project_detail": ("object", lambda o: {"pk": o.harbin_project.pk}),
    "studios:project_milestone": ("object", lambda o: {"pk": o.harbin_project.pk}),
    "studios:project_progress": ("object", lambda o: {"pk": o.harbin_project.pk}),
    "studios:project_close": ("object", lambda o: {"pk": o.harbin_project.pk}),
    "studios:targets": ("list", lambda o: {}),
}

API = {
    ("GET", "/api/studios"): ("list", lambda o: {}),
    ("GET", "/api/studios/{studio_id}"): ("object", lambda o: {"studio_id": o.harbin_studio.pk}),
    ("GET", "/api/alliances"): ("list", lambda o: {}),
    ("GET", "/api/alliances/{alliance_id}"): ("object", lambda o: {"alliance_id": o.harbin_alliance.pk}),
    ("GET", "/api/alliances/{alliance_id}/members"): ("object", lambda o: {"alliance_id": o.harbin_alliance.pk}),
    ("POST", "/api/alliances/{alliance_id}/problems"): ("object", lambda o: {"alliance_id": o.harbin_alliance.pk}),
    ("GET", "/api/problems"): ("list", lambda o: {}),
    ("GET", "/api/problems/{problem_id}"): ("object", lambda o: {"problem_id": o.harbin_problem.pk}),
    ("POST", "/api/problems/{problem_id}/claims"): ("object", lambda o: {"problem_id": o.harbin_problem.pk}),
    ("GET", "/api/projects"): ("list", lambda o: {}),
    ("GET", "/api/projects/{project_id}"): ("object", lambda o: {"project_id": o.harbin_project.pk}),
}
