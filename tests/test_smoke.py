def test_home_counts_for_harbin_admin(org, as_user):
    from gongjiang.stats.fill import update_stats

    response = as_user(org.users.alice).get("/")
    assert response.status_code == 200
    # read from the rollups only: before the first fill the page says the figures are not filled yet
    assert response.context["counts"] == {"unions": None, "employers": None, "workers": None}
    assert 'id="counts-freshness"' in response.content.decode()
    assert response.context["counts_fresh"] is None
    update_stats()
    response = as_user(org.users.alice).get("/")
    assert response.context["counts"] == {"unions": 3, "employers": 1, "workers": 1}
    assert response.context["counts_fresh"] is not None
