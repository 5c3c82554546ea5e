"""The web page in a real browser: `hdhwatch serve` on the demo store, headless Chromium
(the system's, driven by Selenium), with JavaScript on and off. What a reader does: read
the current target, reach a point of the chart with the keyboard and read its sentence,
search without accents, open an article and find its highlighted statement. Screenshots
of every page at 1280 and 360 px are saved in the test's temporary folder."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"home": "/", "articles": "/articles?search=securite", "providers": "/providers",
         "sources": "/sources", "events": "/events"}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def browser(request, browsers):
    driver = browsers(request.param)
    driver.set_window_size(1280, 1000)
    driver.js = request.param
    return driver


def open_article(browser, web_server, title_part: str) -> None:
    browser.get(f"{web_server}/articles?search={title_part}")
    browser.find_element(By.PARTIAL_LINK_TEXT, title_part).click()
    WebDriverWait(browser, 10).until(expected_conditions.title_contains(title_part))


def focus_first_point(browser):
    """Tab from the top of the page to the chart's first point, as a keyboard user does."""
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):
        active = browser.switch_to.active_element
        if "pt" in (active.get_attribute("class") or "").split():
            return active
        active.send_keys(Keys.TAB)
    raise AssertionError("no chart point reached with the keyboard")


def test_home_shows_the_target_and_a_point_tells_its_sentence(browser, web_server):
    browser.get(web_server + "/")
    line = browser.find_element(By.ID, "current-title").text
    assert "Échéance actuelle : premier trimestre 2027" in line
    assert "depuis le 14 avril 2026" in line
    point = focus_first_point(browser)
    sentence = point.get_attribute("data-sentence")
    assert sentence
    if browser.js:  # the script's tooltip box follows the focus
        tip = browser.find_element(By.ID, "chart-tip")
        WebDriverWait(browser, 5).until(lambda _d: tip.is_displayed())
    else:  # without script, CSS shows the point's own tooltip on focus
        tip = point.find_element(By.CSS_SELECTOR, ".tipbox")
        assert tip.is_displayed()
    assert sentence in tip.text
    assert point.get_attribute("data-outlet") in tip.text
    # Enter opens the article the point comes from
    href = point.get_dom_attribute("href")  # an SVG link: the path as written
    point.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(web_server + href))
    assert sentence.split()[0] in browser.find_element(By.TAG_NAME, "article").text


def test_search_without_accents_finds_accented_words(browser, web_server):
    browser.get(web_server + "/articles")
    field = browser.find_element(By.ID, "f-search")
    field.send_keys("securite")
    field.submit()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("search=securite"))
    rows = browser.find_elements(By.CSS_SELECTOR, ".article-row h2 a")
    assert rows
    rows[0].click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("/articles/"))
    assert "sécurité" in browser.find_element(By.TAG_NAME, "article").text.lower()


def test_an_article_highlights_its_statements(browser, web_server):
    open_article(browser, web_server, "Scaleway choisi")
    marks = [m for m in browser.find_elements(By.CSS_SELECTOR, "mark.deadline-target")
             if m.text == "fin 2026 ou début 2027"]
    assert marks and marks[0].is_displayed()
    note = marks[0].find_element(By.XPATH, "following-sibling::span[1]").text
    assert note == "[premier trimestre 2027 · échéance · actuelle · confiance élevée]"
    assert browser.find_elements(By.CSS_SELECTOR, "mark.provider")


def test_a_hostile_title_is_shown_as_text(browser, web_server):
    open_article(browser, web_server, "piégé")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("<script>window.hostile = 1</script>")
    assert "<b>titre</b>" in heading
    if browser.js:
        assert browser.execute_script("return window.hostile === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "article img")


def test_every_page_fits_360_px_and_is_saved(browser, web_server, tmp_path):
    """Screenshots of every page at 1280 and 360 px; at 360 px no page scrolls sideways
    (wide tables and the chart scroll inside their own box)."""
    open_article(browser, web_server, "Scaleway choisi")
    pages = {**PAGES, "article": browser.current_url.removeprefix(web_server)}
    for width in (1280, 360):
        browser.set_window_size(width, 1000)
        for name, path in pages.items():
            browser.get(web_server + path)
            mode = "js" if browser.js else "nojs"
            browser.save_screenshot(str(tmp_path / f"{name}-{width}-{mode}.png"))
            if browser.js:
                overflow = browser.execute_script(
                    "return document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, overflow)
    assert len(list(tmp_path.glob("*.png"))) == 2 * len(pages)
    print(f"screenshots in {tmp_path}")


LAID_OUT = """
const svg = document.getElementById("timeline");
const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
return {labels: [...svg.querySelectorAll(".move-label")].map((e) => [e.textContent, box(e)]),
        marks: [...svg.querySelectorAll(".mk")].map(box),
        frame: box(svg.querySelector(".axes rect"))};
"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_move_label_hides_no_point_and_no_other_label(browsers, web_server, lang):
    """Each confirmed move's label, as Chromium lays it out, stays inside the plot and
    covers neither a statement's point nor another label (the demo's last move, a short
    arrow among many points, once covered the point it starts from)."""
    browser = browsers(True)
    browser.set_window_size(1280, 1000)
    browser.get(f"{web_server}/?lang={lang}")
    laid = browser.execute_script(LAID_OUT)

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    labels = laid["labels"]
    assert len(labels) == 3, labels  # the demo's three confirmed moves
    x0, y0, x1, y1 = laid["frame"]
    for i, (text, box) in enumerate(labels):
        assert x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1, (text, box)
        assert not [m for m in laid["marks"] if overlap(box, m)], text
        assert not [t for t, other in labels[i + 1:] if overlap(box, other)], text
