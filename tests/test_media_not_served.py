"""Issue 8 #9: with DEBUG on, uploaded files were served to anyone under MEDIA_URL. They never are: each
app's download view checks the login and the data scope."""

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import clear_url_caches, get_resolver

import sibao.urls


@pytest.fixture
def debug_urls() -> Iterator[None]:
    """The URL configuration as it is built with DEBUG on."""
    with override_settings(DEBUG=True):
        importlib.reload(sibao.urls)
        clear_url_caches()
        yield
    importlib.reload(sibao.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_uploaded_files_are_not_served_by_url_even_with_debug_on(debug_urls: None, reference_data: None) -> None:
    upload = Path(settings.MEDIA_ROOT) / "whitelist" / "2026" / "01" / "承诺书.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.4 secret")
    served = [pattern for pattern in get_resolver().url_patterns if "serve" in repr(getattr(pattern, "callback", ""))]
    assert not served
    client = Client(raise_request_exception=False)
    for url in ("/media/whitelist/2026/01/承诺书.pdf", "/whitelist/2026/01/承诺书.pdf"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code in (302, 404) and b"secret" not in body
