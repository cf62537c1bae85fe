"""Error pages a person may meet: in the site's layout and language, never Django's debug page."""

from django.test import Client, RequestFactory

from gongjiang import urls
from gongjiang.core.views import server_error


def test_404_is_the_sites_page(db) -> None:
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="navbar' in page and "返回首页" in page
    assert "Page not found" not in page and "Using the URLconf" not in page


def test_500_is_the_sites_page() -> None:
    assert urls.handler500 == "gongjiang.core.views.server_error"
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert 'class="navbar' in page and "出错了" in page and "返回首页" in page
    assert "Traceback" not in page
