def test_home_counts_for_harbin_admin(org, as_user):
    response = as_user(org.users.alice).get("/")
    assert response.status_code == 200
    assert response.context["counts"] == {"unions": 3, "employers": 1, "workers": 1}
