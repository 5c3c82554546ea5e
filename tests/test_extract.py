"""Tests for the extraction stage: saved French press pages in, ``Article`` out."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hdhwatch.errors import EmptyBody, ExtractionError, NotHtml, PageTooLarge
from hdhwatch.extract import canonical_url, content_hash, parse_article
from hdhwatch.records import Article

PAGES = Path(__file__).parent / "pages"
PARIS = ZoneInfo("Europe/Paris")

QUOTIDIEN_URL = (
    "https://www.lequotidien-numerique.fr/sante/"
    "health-data-hub-la-sortie-de-microsoft-repoussee-a-fin-2026_48213.html?xtor=RSS-3208"
)
SYNDICATED_URL = "https://www.sante-territoires.fr/actualites/numerique/2025/03/18/hdh-report"
OBSERVATEUR_URL = "https://observateur-numerique.fr/regulation/donnees-de-sante-la-cnil"
HOSPITALIA_URL = "https://www.hospitalia-hebdo.fr/systemes-d-information/cloud-souverain-hopitaux"
FORUM_URL = "https://forum-sante.example/tribunes/le-health-data-hub-merite-mieux"
ECHO_URL = "https://www.echo-saone.fr/lyon/sante/chercheurs-health-data-hub.html"
COURRIER_URL = "https://courrier-decideurs.fr/sante/hdh-marche-40-millions"
PARLEMENT_URL = "https://parlement-direct.fr/assemblee/amendement-donnees-de-sante"


def read(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def read_text(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def extract(name: str, url: str) -> Article:
    return parse_article(read(name), url)


def paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


# --- metadata --------------------------------------------------------------------------


def test_json_ld_graph_gives_the_article_metadata():
    article = extract("article_jsonld_graph.html", QUOTIDIEN_URL)

    assert article.title == "Health Data Hub : la sortie de Microsoft repoussée à fin 2026"
    # the NewsArticle node of the @graph, not the WebPage node (05:00 UTC)
    assert article.published == datetime(2025, 3, 18, 7, 42, tzinfo=PARIS)
    assert article.published.utcoffset() == timedelta(hours=1)
    assert article.updated == datetime(2025, 3, 18, 11, 5, 31, tzinfo=PARIS)
    assert article.authors == ("Claire Morvan", "Julien Achard")
    assert article.outlet == "Le Quotidien Numérique"  # publisher resolved through its @id
    assert article.language == "fr"
    assert article.description.startswith("Le ministère de la Santé reconnaît")
    # relative <link rel=canonical> resolved, its utm_* parameters dropped
    assert article.url == (
        "https://www.lequotidien-numerique.fr/sante/"
        "health-data-hub-la-sortie-de-microsoft-repoussee-a-fin-2026_48213.html"
    )


def test_opengraph_only_page():
    article = extract("article_opengraph.html", OBSERVATEUR_URL)

    assert (
        article.title == "Données de santé : la Cnil réclame un calendrier ferme pour quitter Azure"
    )
    assert article.published == datetime(2025, 1, 9, 16, 20, tzinfo=PARIS)
    assert article.updated == datetime(2025, 1, 10, 8, 2, tzinfo=PARIS)
    # the article:author that is a profile URL is not a name
    assert article.authors == ("Sophie Lanier",)
    assert article.outlet == "L'Observateur du Numérique"
    assert article.language == "fr"  # from og:locale: the page has no <html lang>
    assert article.url == (
        "https://observateur-numerique.fr/regulation/"
        "donnees-de-sante-la-cnil-reclame-un-calendrier-ferme?page=1"
    )
    assert article.lead.startswith("Dans un avis rendu public jeudi, la Commission nationale")
    assert article.description.startswith("Dans un avis rendu public jeudi, la Cnil demande")


def test_time_element_only_page():
    article = extract("article_time_only.html", HOSPITALIA_URL)

    # the <time> in the article, not the earlier ones in the sidebar (2024-10-02)
    assert article.published == datetime(2024, 11, 21, 8, 30, tzinfo=PARIS)
    assert article.updated == datetime(2024, 11, 21, 14, 5, tzinfo=PARIS)
    assert article.authors == ("Thomas Gervais",)
    assert article.outlet == "hospitalia-hebdo.fr"  # no publisher, no og:site_name


def test_page_without_any_date_has_no_published_date():
    article = extract("article_no_date.html", FORUM_URL)

    assert article.published is None
    assert article.updated is None
    assert article.title == "« Le Health Data Hub mérite mieux qu'un énième report »"
    assert "Nous faisons partie de celles et ceux" in article.text


@pytest.mark.parametrize(
    ("name", "url", "expected", "offset"),
    [
        # <time datetime="2024-11-21T08:30">: winter time
        ("article_time_only.html", HOSPITALIA_URL, datetime(2024, 11, 21, 8, 30), 1),
        # <meta name="sailthru.date" content="2024-09-26 18:45:00">: summer time
        ("article_cp1252.html", COURRIER_URL, datetime(2024, 9, 26, 18, 45), 2),
    ],
)
def test_naive_datetime_is_taken_as_paris_time(name, url, expected, offset):
    published = extract(name, url).published

    assert published.tzinfo is not None
    assert published.replace(tzinfo=None) == expected
    assert published.utcoffset() == timedelta(hours=offset)


def test_date_only_value_is_midnight_in_paris():
    published = extract("article_latin1.html", ECHO_URL).published  # DC.date.issued 2024-06-03

    assert published == datetime(2024, 6, 3, 0, 0, tzinfo=PARIS)
    assert published.utcoffset() == timedelta(hours=2)


def test_canonical_pointing_at_the_home_page_is_ignored():
    html = read_text("article_opengraph.html").replace(
        '<link rel="icon" href="/favicon.ico">', '<link rel="canonical" href="/">'
    )

    article = parse_article(html, OBSERVATEUR_URL + "?utm_source=x")

    assert article.url == OBSERVATEUR_URL


# --- encodings -------------------------------------------------------------------------


def test_iso_8859_1_page_given_as_bytes():
    data = read("article_latin1.html")
    assert "é".encode("latin-1") in data  # the fixture really is stored in ISO-8859-1

    article = parse_article(data, ECHO_URL)

    assert (
        article.title == "Lyon : les chercheurs s'impatientent face aux retards du Health Data Hub"
    )
    assert article.authors == ("Bérénice Faure",)
    assert "le cœur du problème reste entier" in article.text  # &oelig;
    assert "350\u00a0000\u00a0€" in article.text or "350 000 €" in article.text  # &euro;
    assert "« Nous voulions éviter d'avoir à refaire le travail »" in article.text
    assert "\ufffd" not in article.text and "Ã" not in article.text


def test_windows_1252_page_given_as_bytes():
    data = read("article_cp1252.html")
    assert b"\x80" in data and b"\x9c" in data  # € and œ in Windows-1252

    article = parse_article(data, COURRIER_URL)

    assert article.title == "Health Data Hub : un marché à 40 millions d’euros pour quitter Azure"
    assert article.authors == ("Étienne Rousselot",)
    assert "soit environ 10 M€ par an" in article.text
    assert "« mise en œuvre enfin concrète »" in article.text
    assert "« On fixe une “date cible”, pas une obligation de résultat »" in article.text
    assert "c’est ambitieux… »" in article.text
    assert "\ufffd" not in article.text and "Ã" not in article.text


def test_windows_1252_bytes_declared_as_iso_8859_1_keep_euro_and_oe():
    data = read("article_cp1252.html").replace(
        b'<meta charset="windows-1252">', b'<meta charset="iso-8859-1">'
    )

    text = parse_article(data, COURRIER_URL).text

    assert "10 M€" in text and "mise en œuvre" in text and "ambitieux…" in text


def test_content_type_header_charset_wins_over_a_missing_meta():
    data = read("article_cp1252.html").replace(b'<meta charset="windows-1252">', b"")

    article = parse_article(data, COURRIER_URL, content_type="text/html; charset=windows-1252")

    assert "mise en œuvre" in article.text
    assert article.authors == ("Étienne Rousselot",)


# --- broken, empty, large, not HTML ----------------------------------------------------


def test_broken_truncated_html_still_extracts_what_is_there():
    data = read("article_broken.html")
    assert not data.rstrip().endswith(b"</html>")

    article = parse_article(data, PARLEMENT_URL)

    # the unclosed <h1> swallowed the page: the <title> is used, without its suffix
    assert article.title == "L'Assemblée vote un amendement sur l'hébergement des données de santé"
    assert article.published == datetime(2024, 12, 5, 19, 12, tzinfo=PARIS)
    assert article.authors == ("Nadia Benali",)
    assert paragraphs(article)[0].startswith("Les députés ont adopté jeudi soir")
    # the unclosed <b> does not swallow the paragraphs after it, nor the cut last one
    assert "L'avenir de la mesure reste incertain." in article.text
    assert article.text.endswith("avec un objectif de bascule compl")


def test_page_without_body_raises_empty_body_with_the_reason():
    with pytest.raises(EmptyBody) as caught:
        parse_article(read("article_empty_body.html"), "https://www.lequotidien-numerique.fr/v/1")

    assert caught.value.reason == "empty_body"
    assert re.fullmatch(
        r"no article body: \d+ characters after boilerplate removal", str(caught.value)
    )
    assert caught.value.url == "https://www.lequotidien-numerique.fr/v/1"


def test_empty_document_raises_empty_body():
    with pytest.raises(EmptyBody):
        parse_article(b"  \n ", QUOTIDIEN_URL)


def five_megabyte_page() -> str:
    html = read_text("article_jsonld_graph.html")
    start = html.index('<div class="article__body">') + len('<div class="article__body">')
    end = html.index("</aside>", start) + len("</aside>")
    block = html[start:end]
    copies = 5 * 1024 * 1024 // len(block.encode()) + 1
    return html[:start] + block * copies + html[end:]


def test_five_megabyte_page_extracts_whole():
    html = five_megabyte_page()
    assert len(html.encode()) > 5 * 1024 * 1024

    article = parse_article(html.encode(), QUOTIDIEN_URL)

    assert article.title == "Health Data Hub : la sortie de Microsoft repoussée à fin 2026"
    assert article.text.count("C'est un calendrier qui glisse encore.") > 1000
    assert "Anssi durcit son référentiel" not in article.text


def test_five_megabyte_page_of_small_elements_beside_the_article():
    html = read_text("article_jsonld_graph.html")
    ticker = "".join(
        f'<div class="fil-info__item"><span>{i % 24:02d}h{i % 60:02d}</span> '
        f'<a href="/fil/{i}">Dépêche {i} du fil info</a></div>'
        for i in range(50_000)
    )
    big = html.replace("</article>", f'</article><div class="fil-info">{ticker}</div>', 1)
    assert len(big.encode()) > 4 * 1024 * 1024

    article = parse_article(big, QUOTIDIEN_URL)

    assert article.text == parse_article(html, QUOTIDIEN_URL).text


def test_five_megabyte_article_of_small_elements():
    html = read_text("article_jsonld_graph.html")
    entries = "".join(
        f'<div class="live__entry"><span class="live__heure">{i % 24:02d}h{i % 60:02d}</span>'
        f"<p>Direct, mise à jour {i} : l'audition des responsables du Health Data Hub se "
        "poursuit devant la commission.</p></div>"
        for i in range(30_000)
    )
    live = html.replace('<div class="article__body">', f'<div class="article__body">{entries}', 1)
    assert len(live.encode()) > 5 * 1024 * 1024

    article = parse_article(live, QUOTIDIEN_URL)

    assert paragraphs(article)[0].startswith("Direct, mise à jour 0 :")
    assert paragraphs(article)[27_999].startswith("Direct, mise à jour 27999 :")
    assert paragraphs(article)[-1].endswith("Un rapport d'étape est attendu avant l'été.")


@pytest.mark.parametrize(
    "until",
    [
        "<aside",  # 3 paragraphs a block: 4,000 deep, past libxml2's limit of 2,048
        '</div>\n    <div class="article__tags">',  # the whole body: 1,700 deep
    ],
)
def test_five_megabyte_page_of_unclosed_divs(until):
    html = read_text("article_jsonld_graph.html")
    start = html.index('<div class="article__body">') + len('<div class="article__body">')
    end = html.index(until, start)
    block = '<div class="article__section">' + html[start:end]  # never closed
    copies = 5 * 1024 * 1024 // len(block.encode()) + 1
    broken = html[:start] + block * copies + html[end:]

    article = parse_article(broken, QUOTIDIEN_URL)

    # nothing lost, past libxml2's limit either
    assert article.text.count("C'est un calendrier qui glisse encore.") == copies
    assert "Un rapport d'étape est attendu avant l'été." in article.text


@pytest.mark.parametrize("as_bytes", [True, False])
def test_page_over_max_bytes_raises_page_too_large(as_bytes):
    html = five_megabyte_page()

    with pytest.raises(PageTooLarge) as caught:
        parse_article(html.encode() if as_bytes else html, QUOTIDIEN_URL, max_bytes=1024 * 1024)

    assert caught.value.reason == "too_large"
    assert "1048576" in str(caught.value)


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>
<rss version="2.0"><channel><title>Le Quotidien Numérique - Santé</title>
<item><title>Health Data Hub : la sortie de Microsoft repoussée</title>
<link>https://www.lequotidien-numerique.fr/sante/hdh_48213.html</link>
<description><![CDATA[<p>La migration glisse encore.</p>]]></description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>L'Observateur du Numérique</title>
<entry><title>La Cnil réclame un calendrier</title>
<content type="html">&lt;p&gt;Avis&lt;/p&gt;</content></entry>
</feed>"""
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://observateur-numerique.fr/regulation/cnil</loc></url></urlset>"""
JSON = '{"title": "Health Data Hub", "body": "<p>La migration glisse encore.</p>", "id": 48213}'


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
        (JSON, "JSON"),
        (JSON.encode(), "JSON"),
        (RSS, "RSS"),
        (RSS.encode(), "RSS"),
        (ATOM, "Atom"),
        (SITEMAP, "sitemap"),
        ("Health Data Hub : la migration repoussée.\nTexte brut sans balise.", "markup"),
    ],
)
def test_non_html_input_raises_not_html(payload, kind):
    with pytest.raises(NotHtml) as caught:
        parse_article(payload, "https://example.fr/document")

    assert caught.value.reason == "not_html"
    assert kind in str(caught.value)


def test_trafilatura_exception_surfaces_as_extraction_error(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("lxml tree exploded")

    monkeypatch.setattr("trafilatura.bare_extraction", explode)

    with pytest.raises(ExtractionError, match="lxml tree exploded"):
        parse_article(read("article_opengraph.html"), OBSERVATEUR_URL)


def test_trafilatura_refusal_surfaces_with_what_it_logged(monkeypatch):
    def refuse(*args, **kwargs):
        logging.getLogger("trafilatura.core").error("empty HTML tree: %s", kwargs["options"].source)
        return None

    monkeypatch.setattr("trafilatura.bare_extraction", refuse)

    with pytest.raises(ExtractionError, match="empty HTML tree"):
        parse_article(read("article_opengraph.html"), OBSERVATEUR_URL)


# --- body text, lead, boilerplate ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "lead_start"),
    [
        # p.article__chapo
        ("article_jsonld_graph.html", QUOTIDIEN_URL, "La Plateforme des données de santé ne"),
        # div.standfirst
        ("article_opengraph.html", OBSERVATEUR_URL, "Dans un avis rendu public jeudi"),
        # first paragraph in <strong>
        ("article_time_only.html", HOSPITALIA_URL, "Les directions des systèmes d'information"),
        # p.chapeau, ISO-8859-1
        ("article_latin1.html", ECHO_URL, "Dans les laboratoires lyonnais"),
    ],
)
def test_lead_is_extracted_and_not_repeated_in_the_text(name, url, lead_start):
    article = extract(name, url)

    assert article.lead.startswith(lead_start)
    assert article.lead not in article.text
    assert lead_start not in article.text


def test_lead_repeated_as_first_body_paragraph_is_dropped_from_the_text():
    html = read_text("article_opengraph.html")
    lead = re.search(r'<div class="standfirst">(.*?)</div>', html).group(1)
    html = html.replace('<div class="entry-content">', f'<div class="entry-content"><p>{lead}</p>')

    article = parse_article(html, OBSERVATEUR_URL)

    assert article.lead == lead
    assert article.text.startswith("La patience de la Cnil a des limites.")
    assert lead not in article.text


def test_page_without_chapo_has_no_lead():
    html = read_text("article_no_date.html")
    # a tagline in the site header is not the article's chapô
    with_tagline = html.replace(
        '<div class="topnav">',
        '<header class="site-header"><p class="site-header__intro">Le Forum Santé, '
        "le lieu des débats sur la santé publique et le numérique</p></header>"
        '<div class="topnav">',
    )

    assert parse_article(html, FORUM_URL).lead is None
    assert parse_article(with_tagline, FORUM_URL).lead is None


def test_comments_share_bars_and_read_also_boxes_are_not_in_the_text():
    article = extract("article_jsonld_graph.html", QUOTIDIEN_URL)

    for boilerplate in (
        "Lire aussi",
        "lire aussi",
        "Anssi durcit son référentiel",  # the "Lire aussi" box link
        "ce que change le futur espace européen",  # the inline "À lire aussi" paragraph
        "Notre dossier",  # a related-story teaser inside the body
        "Cyberattaques : pourquoi les hôpitaux",
        "Encore un report, quelle surprise",  # a comment
        "Gérard_75",
        "Sur le même sujet",
        "SNDS : les chercheurs attendent toujours leurs accès",  # related links
        "Partager",
        "LinkedIn",
        "Recevez chaque matin",  # newsletter box
        "cookies",
        "Mentions légales",
        "Tous droits réservés",
        "Fil d'Ariane",
        "Photo d'illustration",
    ):
        assert boilerplate not in article.text, boilerplate
    assert len(paragraphs(article)) == 7
    assert paragraphs(article)[0].startswith("C'est un calendrier qui glisse encore.")
    assert paragraphs(article)[-1].endswith("Un rapport d'étape est attendu avant l'été.")


@pytest.mark.parametrize(
    ("name", "url", "absent"),
    [
        ("article_opengraph.html", OBSERVATEUR_URL, ("Il était temps", "Articles similaires")),
        ("article_syndicated_copy.html", SYNDICATED_URL, ("Cinq ans de retard", "Voir aussi")),
        ("article_time_only.html", HOSPITALIA_URL, ("Même constat chez nous", "Budget 2025")),
        ("article_no_date.html", FORUM_URL, ("Où étiez-vous", "À lire également", "©")),
        ("article_cp1252.html", COURRIER_URL, ("taillé pour deux ou trois", "Reproduction")),
    ],
)
def test_other_templates_lose_their_comments_and_related_links(name, url, absent):
    text = extract(name, url).text

    for boilerplate in absent:
        assert boilerplate not in text, boilerplate


def test_body_keeps_subheadings_as_paragraphs():
    article = extract("article_opengraph.html", OBSERVATEUR_URL)

    assert "Le risque extraterritorial toujours présent" in paragraphs(article)


# --- titles ----------------------------------------------------------------------------


OG_TITLE = "Données de santé : la Cnil réclame un calendrier ferme pour quitter Azure"


def without_h1(html: str) -> str:
    return re.sub(r"<h1[^>]*>.*?</h1>", "", html, flags=re.S)


@pytest.mark.parametrize(
    ("html", "url", "title"),
    [
        # "<title>… - Hospitalia Hebdo": the host names the site
        (
            without_h1(read_text("article_time_only.html")),
            HOSPITALIA_URL,
            "Cloud souverain : les hôpitaux attendent toujours une offre qualifiée",
        ),
        # "<title>… – Le Forum Santé": nothing names the site, a short last segment goes
        (
            without_h1(read_text("article_no_date.html")),
            FORUM_URL,
            "Tribune : « Le Health Data Hub mérite mieux qu'un énième report »",
        ),
        # og:title with the og:site_name appended
        (
            read_text("article_opengraph.html").replace(
                f'content="{OG_TITLE}"', f'content="{OG_TITLE} | L&#39;Observateur du Numérique"'
            ),
            OBSERVATEUR_URL,
            OG_TITLE,
        ),
        # a dash inside the headline is not a site suffix
        (
            read_text("article_opengraph.html").replace(
                f'content="{OG_TITLE}"', 'content="Santé - numérique : la Cnil hausse le ton"'
            ),
            OBSERVATEUR_URL,
            "Santé - numérique : la Cnil hausse le ton",
        ),
    ],
)
def test_title_site_suffix_is_stripped(html, url, title):
    assert parse_article(html, url).title == title


def test_truncated_json_ld_headline_gives_way_to_the_full_title():
    html = read_text("article_jsonld_graph.html").replace(
        '"headline": "Health Data Hub : la sortie de Microsoft repoussée à fin 2026"',
        '"headline": "Health Data Hub : la sortie de Microsoft…"',
    )

    title = parse_article(html, QUOTIDIEN_URL).title

    assert title == "Health Data Hub : la sortie de Microsoft repoussée à fin 2026"


# --- canonical_url ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.FR/Sante/Article.html", "https://www.example.fr/Sante/Article.html"),
        ("https://example.fr:443/a", "https://example.fr/a"),
        ("http://example.fr:80/a", "http://example.fr/a"),
        ("http://example.fr:8080/a", "http://example.fr:8080/a"),
        ("https://example.fr/a#commentaires", "https://example.fr/a"),
        ("https://example.fr/a?", "https://example.fr/a"),
        ("https://example.fr", "https://example.fr/"),
        (
            "https://example.fr/a?utm_source=twitter&utm_medium=social&UTM_Campaign=x",
            "https://example.fr/a",
        ),
        (
            "https://example.fr/a?fbclid=IwAR0x&gclid=Cj0&mc_cid=1&mc_eid=2&xtor=RSS-3208"
            "&at_medium=custom7&ns_source=f&_ga=2.1&cmpid=nl&ref=home&pk_campaign=a"
            "&mtm_source=b&ocid=c&twclid=d&igshid=e",
            "https://example.fr/a",
        ),
        (
            "https://example.fr/a?page=2&id=48213&utm_source=x",
            "https://example.fr/a?id=48213&page=2",
        ),
        (
            "https://example.fr/a?q=cloud%20souverain&a=1",
            "https://example.fr/a?a=1&q=cloud%20souverain",
        ),
        ("https://example.fr/a?referer=x&atelier=1", "https://example.fr/a?atelier=1&referer=x"),
        ("http://example.fr/a", "http://example.fr/a"),  # http stays http
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent():
    once = canonical_url("HTTPS://Example.fr:443/A/b?z=1&utm_term=x&a=2#top")

    assert canonical_url(once) == once == "https://example.fr/A/b?a=2&z=1"


# --- content_hash ----------------------------------------------------------------------


def test_same_story_under_two_templates_has_the_same_hash():
    original = extract("article_jsonld_graph.html", QUOTIDIEN_URL)
    copy = extract("article_syndicated_copy.html", SYNDICATED_URL)

    assert original.url != copy.url and original.outlet != copy.outlet
    assert original.text != copy.text  # typographic apostrophes, non-breaking spaces
    assert content_hash(original) == content_hash(copy)


def test_different_stories_have_different_hashes():
    hashes = {
        content_hash(extract(name, url))
        for name, url in (
            ("article_jsonld_graph.html", QUOTIDIEN_URL),
            ("article_opengraph.html", OBSERVATEUR_URL),
            ("article_time_only.html", HOSPITALIA_URL),
            ("article_no_date.html", FORUM_URL),
            ("article_cp1252.html", COURRIER_URL),
        )
    }

    assert len(hashes) == 5


def test_content_hash_ignores_case_punctuation_and_spacing_but_not_words():
    text = "« Nous avons sous-estimé la complexité », admet un cadre.\n\nLa suite."
    base = Article(url="https://a.fr/1", title="A", text=text)
    variant = Article(
        url="https://b.fr/2",
        title="B - Site",
        text="NOUS AVONS SOUS ESTIMÉ   la complexité, admet un cadre\nLa suite",
    )
    other = Article(url="https://a.fr/1", title="A", text=text.replace("cadre", "ministre"))

    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(base))
    assert content_hash(base) == content_hash(variant)
    assert content_hash(base) != content_hash(other)


def test_a_failing_metadata_fallback_is_logged_and_the_page_kept(monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("htmldate exploded")

    monkeypatch.setattr("hdhwatch.extract.article.extract_metadata", explode)
    with caplog.at_level(logging.WARNING, logger="hdhwatch.extract.article"):
        article = parse_article(read("article_no_date.html"), FORUM_URL)  # needs the fallback
    assert article.published is None and article.text
    assert "htmldate exploded" in caplog.text and FORUM_URL in caplog.text
