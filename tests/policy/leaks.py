"""The policy entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    # policy documents and rules are provincial: every official reads them, none is Harbin's
    "policy:documents": ("list", lambda o: {}),
    "policy:document": ("list", lambda o: {"pk": o.policy_doc.pk}),
    "policy:document_create": ("form", lambda o: {}),
    "policy:document_edit": ("form", lambda o: {"pk": o.policy_doc.pk}),
    "policy:attachment_add": ("object", lambda o: {"pk": o.policy_doc.pk}),
    "policy:attachment": ("list", lambda o: {"pk": o.policy_attachment.pk}),
    "policy:rules": ("list", lambda o: {}),
    "policy:rule": ("list", lambda o: {"pk": o.harbin_decision.rule_id}),
    "policy:rule_create": ("form", lambda o: {}),
    "policy:goals": ("list", lambda o: {}),
    "policy:goal_create": ("form", lambda o: {}),
    "policy:goal_edit": ("form", lambda o: {"pk": o.policy_goal.pk}),
    "policy:rule_new_version": ("form", lambda o: {"pk": o.harbin_decision.rule_id}),
}

API: dict = {}
