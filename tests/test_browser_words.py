"""Streamlit's own words in the chosen language, in a real browser (issue 21, point 7).

The file uploader's "Drag and drop file here", "Limit 200MB per file" and "Browse files" are
Streamlit's; ``web.widgets.streamlit_texts`` hides them (font size 0) and writes the catalogue's words
after them (CSS ``::after``). What a person sees is the text of the nodes that are drawn plus that
generated content, so the test reads exactly that from the browser, in Vietnamese and in English,
on the tracker page as the signed-in secretary. ``/live`` writes numbers in each language's format.
Screenshots: ``test-artifacts/issue21/uploader-vi.png``, ``uploader-en.png``, ``live-vi.png``, ``live-en.png``.
"""

from __future__ import annotations

import pytest

from lib.core.auth import hash_passcode
from tests.servers import ROOT, dashboard, dismiss_page_not_found, live_config
from tests.test_browser_signin import PASSCODE, sign_in

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "issue21"
ENGLISH = ("Drag and drop", "Limit 200MB", "Browse files", "Upload")

SHOWN = """(root) => {
  const out = [];
  const drawn = (el) => el && getComputedStyle(el).fontSize !== '0px' && el.offsetParent !== null
    && !el.closest('[data-testid=stIconMaterial]');  // an icon's ligature ("upload") is drawn as a picture
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.textContent.trim() && drawn(node.parentElement)) out.push(node.textContent.trim());
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content !== 'none' && content !== 'normal') out.push(content.replace(/^"|"$/g, ''));
    }
  }
  return out.join(' | ');
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("words")
    config, _ = live_config(folder, 15)
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    with dashboard(config, secrets=secrets, log=folder / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(folder / "cache")}) as url:
        yield url


def uploader_words(page, url: str, lang: str) -> str:
    page.goto(f"{url}/tien-do?lang={lang}")
    zone = page.locator("[data-testid=stFileUploaderDropzone]")
    zone.wait_for(timeout=60_000)
    dismiss_page_not_found(page)
    zone.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the picture only; the words are read below from the drawn page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-testid=stFileUploader]").screenshot(path=str(ARTIFACTS / f"uploader-{lang}.png"))
    return zone.evaluate(SHOWN)


def test_the_uploader_speaks_the_pages_language(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Mã đăng nhập").wait_for(timeout=60_000)
    sign_in(page, "Thư ký Cụm")
    page.get_by_text("Đã đăng nhập: Thư ký Cụm (thư ký)").wait_for(timeout=30_000)

    vi = uploader_words(page, server, "vi")
    assert "Kéo và thả tệp vào đây" in vi and "Tối đa 200 MB mỗi tệp" in vi and "Chọn tệp" in vi, vi
    assert not [word for word in ENGLISH if word in vi], vi

    en = uploader_words(page, server, "en")
    assert "Drag and drop file here" in en and "Limit 200 MB per file" in en and "Browse files" in en, en
    assert "Kéo và thả" not in en and "Chọn tệp" not in en, en
    page.close()


@pytest.mark.parametrize(("lang", "total"), [("vi", "98,75"), ("en", "98.75")])
def test_live_writes_the_languages_numbers_and_award_names(server, browser, lang, total):
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.goto(f"{server}/live?lang={lang}")
    page.get_by_text(total, exact=False).first.wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    other = "98.75" if lang == "vi" else "98,75"
    assert other not in body
    flag, english = "Cờ thi đua của Chính phủ", "Government Emulation Flag"  # award names in the page's language
    assert (flag in body and english not in body) if lang == "vi" else (english in body and flag not in body), body
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"live-{lang}.png"))
    page.close()
