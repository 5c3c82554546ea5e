# ruff: noqa: E501  (the page template below is HTML, one element a line)
"""A made-up French press corpus for the benchmarks: article pages, feeds, robots.txt.

Pages look like real outlets' article pages (about 60 KB): a big navigation menu,
breadcrumbs, JSON-LD ``NewsArticle`` and OpenGraph metadata, a chapô, 600-900 words
of body text, share bars, "Lire aussi" boxes, comments, a footer full of links, and
inline styles and scripts. The body is drawn from a sentence bank with slots, so
that most articles pair the Health Data Hub with its hosting (and state target
dates for the migration) while about one in ten is off-topic and is dropped by the
watch terms. Everything is seeded: the same arguments give the same bytes.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

PARIS = timezone(timedelta(hours=1))
OFF_TOPIC_SHARE = 0.1
TARGET_PAGE_BYTES = 60_000

OUTLET_NAMES = [
    "Le Courrier numérique",
    "Santé connectée",
    "Le Quotidien du Nuage",
    "Acteurs de l'État",
    "La Gazette des DSI",
    "Hôpital Digital",
    "L'Écho du Cloud",
    "Données & Territoires",
    "Le Moniteur de la e-santé",
    "Informatique Publique",
    "La Lettre des Datacenters",
    "Le Journal de la Souveraineté",
]

PEOPLE = [
    "Sophie Ravanel",
    "Marc Delorme",
    "Nadia Oukhellou",
    "Julien Castaing",
    "Claire Bessières",
    "Thomas Lemaître",
    "Inès Ferrand",
    "Paul-Henri Vasseur",
    "Léa Montagnac",
    "Hugo Sarrazin",
    "Amandine Roux",
    "Karim Benali",
    "Élodie Vautrin",
    "Olivier Maréchal",
    "Chloé Dufresne",
]
OFFICIALS = [
    "la directrice du Health Data Hub",
    "le ministre de la Santé",
    "la ministre déléguée au Numérique",
    "le délégué au numérique en santé",
    "la présidente de la Cnil",
    "le rapporteur de la mission d'information",
    "un conseiller du ministère",
    "le directeur général de l'Anssi",
    "une source proche du dossier",
]
PROVIDERS = [
    "OVHcloud",
    "Outscale",
    "Scaleway",
    "Cloud Temple",
    "Oodrive",
    "NumSpot",
    "S3NS",
    "Bleu",
    "Orange Business",
    "Worldline",
]
FOREIGN = ["Microsoft", "Azure", "Amazon Web Services", "Google Cloud"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
HORIZONS = [
    "d'ici fin {y}",
    "à l'horizon {y}",
    "au premier semestre {y}",
    "avant la fin de l'année {y}",
    "en {m} {y}",
    "fin {y} ou début {y1}",
    "au second semestre {y}",
    "d'ici à {y}",
]

# Sentences about the HDH and its hosting: {p} a French provider, {f} a foreign one,
# {o} an official, {h} a target date, {y} a year, {n} a number.
HDH_SENTENCES = [
    "Le Health Data Hub reste hébergé sur {f}, malgré les engagements répétés du gouvernement.",
    "La migration du Health Data Hub vers un cloud souverain est désormais annoncée {h}.",
    "Selon {o}, la plateforme des données de santé devrait quitter {f} {h}.",
    "L'appel d'offres pour l'hébergement du Health Data Hub a été remporté par {p}, "
    "qualifié SecNumCloud.",
    "Le choix de {f} pour héberger le Health Data Hub avait suscité une vive polémique en 2020.",
    "La Cnil a rappelé que les données de santé des Français ne devaient pas être exposées "
    "au Cloud Act.",
    "{o} assure que le calendrier de sortie de {f} sera tenu, sans donner de date précise.",
    "Le HDH devait initialement rejoindre une solution française ou européenne d'ici deux ans.",
    "L'hébergement des données de santé sur une infrastructure qualifiée SecNumCloud devient "
    "la règle pour les systèmes d'information sensibles de l'État.",
    "La bascule du Health Data Hub vers {p} est attendue {h}, selon {o}.",
    "Les chercheurs qui utilisent la plateforme des données de santé redoutent une migration "
    "précipitée qui interromprait leurs projets.",
    "Le ministère confirme que le Health Data Hub sortira de {f} {h}.",
    "La doctrine « cloud au centre » impose aux administrations de recourir à un cloud de "
    "confiance pour leurs données les plus sensibles.",
    "Le coût de la migration du HDH est estimé à {n} millions d'euros par la mission "
    "d'information.",
    "Le Conseil d'État avait jugé en 2020 que le risque de transfert des données du Health "
    "Data Hub vers les États-Unis ne pouvait être exclu.",
    "Le SNDS, système national des données de santé, devrait suivre le même chemin que le "
    "Health Data Hub vers un hébergement souverain.",
    "{p} et {p2} se disputent l'hébergement du Health Data Hub, dont le marché est évalué "
    "à {n} millions d'euros.",
    "La réversibilité du contrat conclu avec {f} est au cœur des interrogations des "
    "parlementaires sur le Health Data Hub.",
    "Pour {o}, le Health Data Hub ne pourra pas quitter {f} avant {y}, faute d'offre "
    "souveraine équivalente.",
    "Le calendrier de la migration du Health Data Hub a déjà glissé plusieurs fois : "
    "l'objectif est aujourd'hui fixé {h}.",
    "La qualification SecNumCloud de {p} ouvre la voie à un hébergement du Health Data Hub "
    "en France.",
    "Les associations de patients réclament que les données de santé soient hébergées par un "
    "acteur européen non soumis aux lois extraterritoriales.",
    "Le projet de loi SREN prévoit que les données de santé sensibles soient confiées à des "
    "clouds protégés des législations non européennes.",
    "La plateforme des données de santé a lancé un appel d'offres pour un hébergement "
    "souverain, dont l'attribution est prévue {h}.",
    "Le HDH a reçu {n} demandes d'accès aux données en un an, un record depuis sa création.",
    "{o} estime que la sortie de {f} est « une question de mois, pas d'années ».",
]
# Cloud-market and public-IT sentences: no HDH, most without a watch term.
CLOUD_SENTENCES = [
    "{p} a annoncé l'ouverture d'un nouveau centre de données dans la région lyonnaise.",
    "Le marché français du cloud public a progressé de {n} % l'an dernier, porté par les "
    "grands comptes.",
    "Les hyperscalers américains détiennent toujours plus des deux tiers du marché européen.",
    "La qualification délivrée par l'Anssi exige un audit complet de l'infrastructure et des "
    "procédures d'exploitation.",
    "{p} revendique désormais plus de {n} clients dans le secteur public.",
    "Les offres de cloud sous licence, comme celles de {p}, divisent les spécialistes.",
    "La commande publique reste un levier majeur pour faire émerger des acteurs européens.",
    "Le Cigref appelle les entreprises à mieux évaluer leur dépendance aux fournisseurs étrangers.",
    "Les directions informatiques des hôpitaux manquent encore de moyens pour moderniser "
    "leurs systèmes.",
    "L'agence du numérique en santé pilote la certification des hébergeurs de dossiers patients.",
    "La facturation à l'usage séduit les collectivités, qui redoutent cependant la hausse "
    "des coûts de sortie.",
    "Le schéma européen de certification EUCS est toujours en discussion à Bruxelles.",
    "Les interconnexions entre centres de données se multiplient en Île-de-France.",
    "{p} a levé {n} millions d'euros pour accélérer son développement en Europe.",
    "Plusieurs ministères ont déjà migré leurs messageries vers des solutions françaises.",
    "Le recours aux logiciels libres progresse dans les administrations, selon la Dinum.",
    "Les coûts de l'énergie pèsent lourdement sur la rentabilité des opérateurs de datacenters.",
    "L'intelligence artificielle générative accroît la demande en capacités de calcul.",
]
# Off-topic stories (telecoms, transport): never a watch term.
OFF_SENTENCES = [
    "L'Arcep a publié son dernier bilan de la couverture mobile des zones rurales.",
    "Les opérateurs ont déployé {n} nouveaux sites 4G et 5G au cours du dernier trimestre.",
    "La fibre optique atteint désormais {n} % des locaux raccordables du territoire.",
    "Les élus locaux dénoncent des zones blanches persistantes dans les vallées de montagne.",
    "Le régulateur prépare une nouvelle consultation sur l'attribution des fréquences.",
    "Les abonnés se plaignent d'interruptions de service lors des épisodes de canicule.",
    "Le plan France Très Haut Débit devrait être achevé avec plusieurs années de retard.",
    "Les constructeurs de smartphones misent sur la réparabilité pour séduire les clients.",
    "La SNCF teste une nouvelle couverture Wi-Fi à bord de ses trains régionaux.",
    "Le prix moyen des forfaits mobiles a légèrement augmenté cette année.",
    "Les syndicats de la filière télécoms alertent sur les suppressions de postes.",
    "Le démontage du réseau cuivre commencera par une centaine de communes pilotes.",
]
QUOTES = [
    "Nous ne pouvons pas confier les données les plus sensibles du pays à un acteur soumis "
    "au droit américain.",
    "La souveraineté est un objectif que nous partageons tous, mais c'est aussi un objectif "
    "difficile à atteindre.",
    "Le calendrier sera tenu, à condition que les offres qualifiées soient au rendez-vous.",
    "Il ne suffit pas de changer d'hébergeur, il faut aussi reconstruire tous les outils.",
]
SECTIONS = [
    (
        "Actualités",
        [
            "Politique",
            "Économie",
            "Europe",
            "International",
            "Régions",
            "Justice",
            "Société",
            "Éducation",
            "Environnement",
            "Sciences",
        ],
    ),
    (
        "Cloud",
        [
            "Infrastructures",
            "Datacenters",
            "SaaS",
            "Multicloud",
            "FinOps",
            "Edge",
            "Stockage",
            "Réseaux",
            "Conteneurs",
            "Kubernetes",
        ],
    ),
    (
        "Santé",
        [
            "Hôpital",
            "Médecine de ville",
            "Recherche",
            "Pharma",
            "Dispositifs médicaux",
            "Télémédecine",
            "Assurance maladie",
            "Santé publique",
            "Prévention",
            "Biotech",
        ],
    ),
    (
        "Cybersécurité",
        [
            "Menaces",
            "Rançongiciels",
            "Réglementation",
            "Anssi",
            "Identité",
            "Cryptographie",
            "Audit",
            "Formation",
            "Incidents",
            "Outils",
        ],
    ),
    (
        "Secteur public",
        [
            "État",
            "Collectivités",
            "Marchés publics",
            "Dinum",
            "Open data",
            "Services publics",
            "Transformation",
            "Achats",
            "RH",
            "Budgets",
        ],
    ),
    (
        "Data & IA",
        [
            "IA générative",
            "Données",
            "Algorithmes",
            "Éthique",
            "Startups",
            "Recherche IA",
            "Big data",
            "Gouvernance",
            "Plateformes",
            "Modèles",
        ],
    ),
    (
        "Télécoms",
        [
            "Mobile",
            "Fibre",
            "5G",
            "Satellites",
            "Opérateurs",
            "Régulation",
            "Réseaux",
            "Équipements",
            "Câbles",
            "Fréquences",
        ],
    ),
    (
        "Entreprises",
        [
            "Nominations",
            "Levées de fonds",
            "Résultats",
            "Fusions",
            "Emploi",
            "Startups",
            "ETI",
            "Grands groupes",
            "Salons",
            "Agenda",
        ],
    ),
    (
        "Opinions",
        [
            "Tribunes",
            "Éditos",
            "Entretiens",
            "Chroniques",
            "Débats",
            "Analyses",
            "Portraits",
            "Courrier",
            "Humeurs",
            "Décryptages",
        ],
    ),
    (
        "Services",
        [
            "Newsletters",
            "Podcasts",
            "Vidéos",
            "Webinaires",
            "Livres blancs",
            "Événements",
            "Annonces",
            "Offres d'emploi",
            "Boutique",
            "Archives",
        ],
    ),
]
FOOTER_COLUMNS = ["Le journal", "Nos rubriques", "Nos services", "Informations légales"]


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    host: int  # index of the loopback address that serves it


@dataclass(frozen=True)
class PageSpec:
    outlet: Outlet
    slug: str
    path: str  # URL path, from the site root
    title: str
    on_topic: bool


def _fill(rng: random.Random, sentence: str, year: int) -> str:
    y = rng.randint(year, year + 3)
    horizon = rng.choice(HORIZONS).format(y=y, y1=y + 1, m=rng.choice(MONTHS))
    p, p2 = rng.sample(PROVIDERS, 2)
    return sentence.format(
        p=p,
        p2=p2,
        f=rng.choice(FOREIGN),
        o=rng.choice(OFFICIALS),
        h=horizon,
        y=y,
        n=rng.randint(3, 90),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def article_text(rng: random.Random, on_topic: bool, year: int) -> tuple[str, str, list[str]]:
    """Title, chapô and body paragraphs (600-900 words) of one made-up article."""
    if on_topic:
        provider, foreign = rng.choice(PROVIDERS), rng.choice(FOREIGN)
        y = rng.randint(year, year + 3)
        title = rng.choice(
            [
                f"Health Data Hub : la sortie de {foreign} repoussée à {y}",
                f"Hébergement du Health Data Hub : {provider} en pole position",
                f"Cloud souverain : le Health Data Hub fixe un nouveau cap pour {y}",
                f"Données de santé : la migration du HDH vers {provider} se précise",
                "Plateforme des données de santé : le calendrier de migration glisse encore",
            ]
        )
        lead = (
            _fill(rng, rng.choice(HDH_SENTENCES[:12]), year)
            + " "
            + _fill(rng, rng.choice(HDH_SENTENCES), year)
        )
        bank = [(HDH_SENTENCES, 0.55), (CLOUD_SENTENCES, 0.45)]
    else:
        title = rng.choice(
            [
                "Couverture mobile : l'Arcep publie son bilan annuel",
                "Fibre optique : le déploiement ralentit dans les zones rurales",
                "Réseau cuivre : le calendrier de fermeture se précise",
            ]
        )
        lead = (
            _fill(rng, rng.choice(OFF_SENTENCES), year)
            + " "
            + _fill(rng, rng.choice(OFF_SENTENCES), year)
        )
        bank = [(OFF_SENTENCES, 1.0)]
    words_wanted = rng.randint(600, 900)
    paragraphs: list[str] = []
    words = 0
    while words < words_wanted:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            pool = rng.choices([b for b, _ in bank], weights=[w for _, w in bank])[0]
            sentences.append(_capital(_fill(rng, rng.choice(pool), year)))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    return title, lead, paragraphs


# --- page ------------------------------------------------------------------------------


def _css(rng: random.Random, rules: int) -> str:
    props = [
        "margin",
        "padding",
        "color",
        "background",
        "font-size",
        "line-height",
        "border",
        "display",
        "flex",
        "gap",
        "width",
        "max-width",
        "letter-spacing",
        "transition",
    ]
    values = [
        "0",
        "1rem",
        "0.75rem 1.5rem",
        "#1f2a44",
        "#f5f6f8",
        "1.125rem",
        "1.6",
        "1px solid #d9dce3",
        "flex",
        "1 1 auto",
        "100%",
        "72rem",
        "0.02em",
        "all .2s ease",
    ]
    lines = []
    for i in range(rules):
        selector = f".c-{rng.choice(['nav', 'card', 'hero', 'grid', 'btn', 'tag', 'ad', 'menu'])}"
        selector += f"__{rng.choice(['item', 'link', 'title', 'body', 'wrap', 'icon'])}--{i}"
        body = ";".join(
            f"{rng.choice(props)}:{rng.choice(values)}" for _ in range(rng.randint(3, 7))
        )
        lines.append(f"{selector}{{{body}}}")
    return "\n".join(lines)


def _script(rng: random.Random, entries: int, page_id: int) -> str:
    state = {
        "page": {"id": page_id, "type": "article", "premium": rng.random() < 0.2},
        "ads": [
            {
                "slot": f"div-gpt-ad-{i}",
                "sizes": [[300, 250], [300, 600]],
                "targeting": {
                    "pos": i,
                    "kw": rng.sample(["cloud", "sante", "data", "cyber", "tech"], 3),
                },
            }
            for i in range(entries)
        ],
        "consent": {"vendors": list(range(1, entries * 4))},
    }
    return (
        "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        "gtag('js',new Date());gtag('config','G-XXXXXXX',{anonymize_ip:true});\n"
        f"window.__APP_STATE__={json.dumps(state, separators=(',', ':'))};"
    )


def _comment(rng: random.Random, year: int) -> str:
    return _fill(rng, rng.choice(CLOUD_SENTENCES + OFF_SENTENCES), year)


def _links(prefix: str, labels: list[str]) -> str:
    return "".join(
        f'<li><a href="{prefix}{_slugify(label)}/">{html.escape(label)}</a></li>'
        for label in labels
    )


def _slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def article_html(
    rng: random.Random, spec: PageSpec, published: datetime, others: list[PageSpec], page_id: int
) -> str:
    """One ~60 KB article page; links and canonical use ``{{BASE}}``."""
    title, lead, paragraphs = article_text(rng, spec.on_topic, published.year)
    outlet = spec.outlet
    base = "{{BASE}}"
    url = f"{base}{spec.path}"
    home = f"/{outlet.slug}/"
    author = rng.choice(PEOPLE)
    section = "Cloud" if spec.on_topic else "Télécoms"
    iso = published.isoformat()
    esc = html.escape
    description = lead.split(". ")[0].rstrip(".") + "."
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "mainEntityOfPage": {"@type": "WebPage", "@id": url},
                "headline": title,
                "description": description,
                "datePublished": iso,
                "dateModified": iso,
                "author": [
                    {
                        "@type": "Person",
                        "name": author,
                        "url": f"{base}{home}auteur/{_slugify(author)}/",
                    }
                ],
                "publisher": {
                    "@type": "Organization",
                    "name": outlet.name,
                    "logo": {"@type": "ImageObject", "url": f"{base}{home}static/logo.svg"},
                },
                "articleSection": section,
                "inLanguage": "fr-FR",
                "wordCount": sum(len(p.split()) for p in paragraphs),
            },
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Accueil", "item": base + home},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": section,
                        "item": f"{base}{home}{_slugify(section)}/",
                    },
                ],
            },
        ],
    }
    nav = "".join(
        f'<li class="menu-item has-children"><a href="{home}{_slugify(name)}/">{esc(name)}</a>'
        f'<ul class="sub-menu">{_links(f"{home}{_slugify(name)}/", subs)}</ul></li>'
        for name, subs in SECTIONS
    )
    related = rng.sample(others, min(6, len(others)))
    read_also = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related[:3])
    cards = "".join(
        f'<div class="card"><a href="{r.path}"><img src="{home}static/img/{i}.jpg" alt="" '
        f'width="300" height="169" loading="lazy"></a><span class="card-cat">{esc(section)}</span>'
        f'<h3 class="card-title"><a href="{r.path}">{esc(r.title)}</a></h3>'
        f'<span class="card-date">{rng.randint(1, 28)} {rng.choice(MONTHS)}</span></div>'
        for i, r in enumerate(related)
    )
    body_parts = []
    for i, paragraph in enumerate(paragraphs):
        if i and i % 4 == 0:
            heading = _fill(rng, rng.choice(CLOUD_SENTENCES), published.year).rstrip(".")
            body_parts.append(f"<h2>{esc(_capital(heading))}</h2>")
        body_parts.append(f"<p>{esc(paragraph)}</p>")
        if i == 2:
            body_parts.append(
                f'<aside class="lire-aussi"><p class="lire-aussi-titre">Lire aussi</p>'
                f"<ul>{read_also}</ul></aside>"
            )
        if i == 3 and spec.on_topic:
            body_parts.append(
                f"<blockquote><p>{esc(rng.choice(QUOTES))}</p><cite>{esc(rng.choice(PEOPLE))}"
                f"</cite></blockquote>"
            )
        if i == 5:
            body_parts.append(
                '<div class="ad ad-inread" id="div-gpt-ad-3"><span class="ad-label">Publicité'
                "</span></div>"
            )
    share = "".join(
        f'<a class="share-{net}" href="https://{net}.example/share?u={url}" rel="noopener" '
        f'target="_blank">{label}</a> '
        for net, label in [
            ("x", "X"),
            ("linkedin", "LinkedIn"),
            ("facebook", "Facebook"),
            ("whatsapp", "WhatsApp"),
            ("mail", "E-mail"),
        ]
    )
    comments = "".join(
        f'<li class="comment" id="comment-{page_id}{j}"><article class="comment-body">'
        f'<footer class="comment-meta"><b class="fn">{esc(rng.choice(PEOPLE).split()[0])}_{j}</b> '
        f'<time datetime="{iso}">le {published:%d/%m/%Y}</time></footer>'
        f'<div class="comment-content"><p>{esc(_comment(rng, published.year))}</p></div>'
        f"</article></li>"
        for j in range(rng.randint(3, 8))
    )
    footer = "".join(
        f'<div class="footer-col"><h4>{esc(col)}</h4><ul>'
        + _links(f"{home}{_slugify(col)}/", [s for _, subs in SECTIONS[k::4] for s in subs][:18])
        + "</ul></div>"
        for k, col in enumerate(FOOTER_COLUMNS)
    )
    tags = (
        "".join(
            f'<li><a href="{home}tag/{_slugify(t)}/" rel="tag">{esc(t)}</a></li>'
            for t in rng.sample(
                [
                    "cloud",
                    "Health Data Hub",
                    "SecNumCloud",
                    "souveraineté",
                    "Microsoft",
                    "données de santé",
                    "Anssi",
                    "Cnil",
                ],
                4,
            )
        )
        if spec.on_topic
        else '<li><a href="#" rel="tag">télécoms</a></li>'
    )
    head = f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - {esc(outlet.name)}</title>
<meta name="description" content="{esc(description)}">
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{url}">
<link rel="alternate" type="application/rss+xml" title="{esc(outlet.name)}" href="{base}{home}feed.xml">
<link rel="stylesheet" href="{home}static/style.css">
<meta property="og:locale" content="fr_FR">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(title)}">
<meta property="og:description" content="{esc(description)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{esc(outlet.name)}">
<meta property="og:image" content="{base}{home}static/img/{page_id}.jpg">
<meta property="article:published_time" content="{iso}">
<meta property="article:modified_time" content="{iso}">
<meta property="article:author" content="{esc(author)}">
<meta property="article:section" content="{section}">
<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<style>@@STYLE@@</style>
<script>@@SCRIPT@@</script>
</head>
<body class="post-template-default single single-post postid-{page_id}">
<div id="cookie-banner" class="cookie-banner" role="dialog"><p>Nous utilisons des cookies pour mesurer l'audience et personnaliser les contenus.</p><button type="button">Tout accepter</button> <button type="button">Continuer sans accepter</button></div>
<div class="topbar"><a href="{home}abonnement/">S'abonner</a> <a href="{home}connexion/">Se connecter</a> <a href="{home}newsletters/">Newsletters</a></div>
<header class="site-header"><a class="logo" href="{home}"><img src="{home}static/logo.svg" alt="{esc(outlet.name)}" width="220" height="40"></a>
<form class="search" action="{home}recherche/"><input type="search" name="q" placeholder="Rechercher"><button>OK</button></form>
<nav class="main-nav" aria-label="Menu principal"><ul class="menu">{nav}</ul></nav></header>
<div class="site-wrap"><main id="main" class="site-main">
<nav class="breadcrumb" aria-label="Fil d'Ariane"><a href="{home}">Accueil</a> › <a href="{home}{_slugify(section)}/">{section}</a> › <span>{esc(title)}</span></nav>
<article id="post-{page_id}" class="post type-post status-publish">
<header class="entry-header"><a class="entry-category" href="{home}{_slugify(section)}/">{section}</a>
<h1 class="entry-title">{esc(title)}</h1>
<p class="chapo">{esc(lead)}</p>
<div class="byline">Par <a rel="author" class="author" href="{home}auteur/{_slugify(author)}/">{esc(author)}</a> — Publié le <time class="published" datetime="{iso}">{published.day} {MONTHS[published.month - 1]} {published.year}</time></div>
</header>
<figure class="wp-block-image"><img src="{home}static/img/{page_id}.jpg" alt="" width="1200" height="675"><figcaption>Illustration. © Photo d'agence</figcaption></figure>
<div class="share-bar share-top" aria-label="Partager"><span>Partager</span> {share}</div>
<div class="entry-content">
{"".join(body_parts)}
</div>
<footer class="entry-footer"><ul class="tags">{tags}</ul>
<div class="share-bar" aria-label="Partager"><span>Partager</span> {share}</div></footer>
</article>
<section class="related"><h2>Sur le même sujet</h2><div class="cards">{cards}</div></section>
<section id="comments" class="comments-area"><h2 class="comments-title">Commentaires</h2><ol class="comment-list">{comments}</ol>
<div id="respond"><h3>Laisser un commentaire</h3><form action="{home}commentaires/" method="post"><textarea name="comment"></textarea><input name="author"><input type="submit" value="Publier"></form></div></section>
</main>
<aside class="sidebar"><div class="widget"><h3>Les plus lus</h3><ol>{read_also}</ol></div>
<div class="widget newsletter"><h3>Newsletter</h3><form action="{home}newsletters/"><input type="email" name="email"><button>Je m'inscris</button></form></div></aside></div>
<footer class="site-footer">{footer}<p class="copyright">© {published.year} {esc(outlet.name)}. Tous droits réservés.</p></footer>
<script>@@TAIL@@</script>
</body>
</html>
"""
    # Pad with the inline style and scripts real pages carry, to about 60 KB.
    room = max(TARGET_PAGE_BYTES - len(head.encode("utf-8")), 3000)
    style = _css(rng, 10)
    while len(style) < room // 2:
        style += "\n" + _css(rng, 10)
    script = _script(rng, max(room // 4 // 140, 2), page_id)
    tail = _script(rng, max((room - len(style) - len(script)) // 140, 1), page_id)
    return head.replace("@@STYLE@@", style).replace("@@SCRIPT@@", script).replace("@@TAIL@@", tail)


# --- the mirror ------------------------------------------------------------------------


def plan(pages: int, outlets: int, hosts: int, seed: int = 2026) -> list[PageSpec]:
    """Which page belongs to which outlet, and which are off-topic."""
    rng = random.Random(seed)
    names = [
        OUTLET_NAMES[i % len(OUTLET_NAMES)] + ("" if i < len(OUTLET_NAMES) else f" {i}")
        for i in range(outlets)
    ]
    outs = [Outlet(_slugify(name), name, i % hosts) for i, name in enumerate(names)]
    specs = []
    for i in range(pages):
        outlet = outs[i % outlets]
        on_topic = rng.random() >= OFF_TOPIC_SHARE
        slug = f"article-{i:05d}-{'hdh' if on_topic else 'telecoms'}"
        specs.append(
            PageSpec(outlet, slug, f"/{outlet.slug}/articles/{slug}.html", f"Article {i}", on_topic)
        )
    return specs


def pages(count: int, seed: int = 2026) -> list[tuple[PageSpec, str]]:
    """``count`` article pages (spec, HTML with ``{{BASE}}``), one outlet per ten pages."""
    specs = plan(count, max(1, min(10, count // 10)), 1, seed)
    rng = random.Random(seed + 1)
    start = datetime(2020, 3, 1, 9, 0, tzinfo=PARIS)
    out = []
    for i, spec in enumerate(specs):
        published = start + timedelta(hours=rng.randint(0, 6 * 365 * 24))
        out.append((spec, article_html(rng, spec, published, specs, i)))
    return out


def rss(outlet: Outlet, specs: list[PageSpec]) -> str:
    items = "".join(
        f"<item><title>{html.escape(s.title)}</title><link>{{{{BASE}}}}{s.path}</link>"
        f"<guid>{{{{BASE}}}}{s.path}</guid>"
        f"<pubDate>Mon, 12 Sep 2022 10:00:00 +0200</pubDate></item>"
        for s in specs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(outlet.name)}</title><link>{{{{BASE}}}}/{outlet.slug}/</link>"
        f"<description>Flux</description>{items}</channel></rss>"
    )


ROBOTS = "User-agent: *\nDisallow: /admin/\nAllow: /\n"


def write_site(root: Path, count: int, outlets: int, hosts: int, seed: int = 2026) -> list[Outlet]:
    """Write ``count`` article pages, one RSS feed per outlet and robots.txt under ``root``."""
    specs = plan(count, outlets, hosts, seed)
    rng = random.Random(seed + 1)
    start = datetime(2020, 3, 1, 9, 0, tzinfo=PARIS)
    by_outlet: dict[Outlet, list[PageSpec]] = {}
    for i, spec in enumerate(specs):
        by_outlet.setdefault(spec.outlet, []).append(spec)
        published = start + timedelta(hours=rng.randint(0, 6 * 365 * 24))
        same = [s for s in specs[max(0, i - 20) : i + 20] if s.outlet == spec.outlet] or specs
        file = root / spec.path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(article_html(rng, spec, published, same, i), encoding="utf-8")
    for outlet, outlet_specs in by_outlet.items():
        (root / outlet.slug / "feed.xml").write_text(rss(outlet, outlet_specs), encoding="utf-8")
    (root / "robots.txt").write_text(ROBOTS, encoding="utf-8")
    return list(by_outlet)
