"""Relevance: is the article about the hosting of the Health Data Hub or its move?

Short articles in realistic press phrasing. The non-relevant ones are the
near misses the classifier meets in practice: HDH research stories, cloud
market stories, hospital data breaches, SNDS epidemiology, and stories that
name the HDH's hosting in one passing line.
"""

from __future__ import annotations

import pytest

from hdhwatch.classify.providers import default_catalog, find_providers
from hdhwatch.classify.relevance import RELEVANT_POINTS, assess_relevance

RELEVANT = [
    pytest.param(
        "Health Data Hub : la migration vers un cloud souverain repoussée à 2025",
        None,
        "La direction de la plateforme reconnaît que l'objectif de fin 2022 est intenable. "
        "Aucune offre française n'est au niveau, selon sa directrice.",
        id="title-both",
    ),
    pytest.param(
        "Données de santé : le Health Data Hub choisit Scaleway pour quitter Microsoft",
        "Après six ans de polémique, la Plateforme des données de santé a désigné son futur "
        "hébergeur.",
        "Le ministère a confirmé le choix de la filiale d'Iliad. Les données des Français "
        "doivent migrer d'ici fin 2026. La réversibilité du contrat Azure a été préparée "
        "depuis 2024.",
        id="scaleway-2026",
    ),
    pytest.param(
        "L'État lance l'appel d'offres pour héberger le Health Data Hub",
        None,
        "Le marché, publié au Bulletin officiel des annonces des marchés publics, exige une "
        "qualification SecNumCloud. Les candidats ont trois mois pour répondre.",
        id="tender",
    ),
    pytest.param(
        "France's Health Data Hub to leave Microsoft Azure for a sovereign cloud",
        None,
        "The French health data platform, hosted by Microsoft since 2019, will move to a "
        "European provider. The government had promised the migration within two years.",
        id="english-title",
    ),
    pytest.param(
        "Cloud souverain : l'hébergement des données de santé des Français confié à un "
        "acteur français",
        None,
        "La Plateforme des données de santé quittera Microsoft Azure. Le Health Data Hub "
        "avait été critiqué pour ce choix dès 2020. Selon le ministère, la migration "
        "s'achèvera fin 2026.",
        id="title-without-hdh",
    ),
    pytest.param(
        "La Cnil demande que le Health Data Hub quitte Microsoft au plus vite",
        None,
        "Dans un mémoire adressé au Conseil d'État, la Cnil estime que le Cloud Act expose "
        "les données. Elle demande un hébergeur européen.",
        id="cnil-2020",
    ),
    pytest.param(
        "Un rapport sénatorial étrille le choix de Microsoft pour le Health Data Hub",
        None,
        "Les sénateurs jugent que l'hébergement des données de santé chez un acteur "
        "américain n'était pas une fatalité. Ils demandent un calendrier de sortie.",
        id="senate-report",
    ),
    pytest.param(
        "Health Data Hub : Stéphanie Combes fait le point",
        None,
        "La directrice du Health Data Hub est revenue sur trois années agitées. La "
        "plateforme reste hébergée sur Microsoft Azure. Le HDH prépare sa migration vers un "
        "cloud souverain. Le Health Data Hub attend pour cela des offres qualifiées "
        "SecNumCloud.",
        id="title-hdh-body-pairs",
    ),
    pytest.param(
        "Données de santé : le casse-tête de la souveraineté",
        "La Plateforme des données de santé doit quitter Microsoft Azure d'ici fin 2026.",
        "Le ministère a rappelé l'objectif devant les députés. Les chercheurs s'inquiètent "
        "d'une interruption de service pendant la migration du Health Data Hub.",
        id="lead-both",
    ),
    pytest.param(
        "Santé : le grand retard du cloud souverain",
        None,
        "Le Health Data Hub devait quitter Microsoft en 2022. Trois ans plus tard, le HDH "
        "est toujours hébergé sur Azure. La migration du Health Data Hub vers un hébergeur "
        "qualifié SecNumCloud est repoussée. Le HDH avance la complexité des services "
        "d'analyse.",
        id="body-only-many-pairs",
    ),
    pytest.param(
        "Health Data Hub: why France's health data still sits on Azure",
        None,
        "Four years after the promise, the Health Data Hub has not migrated. French "
        "providers could not match Microsoft's analytics tools, officials say.",
        id="english-why",
    ),
    pytest.param(
        "La loi SREN impose au Health Data Hub un hébergeur qualifié SecNumCloud",
        None,
        "Le texte adopté au Parlement prévoit que les données sensibles soient hébergées "
        "par un prestataire protégé des lois extraterritoriales.",
        id="sren",
    ),
    pytest.param(
        "Le HDH va dupliquer une partie de ses données chez un hébergeur français",
        None,
        "En attendant la migration complète, une copie de la base principale sera "
        "hébergée sur un cloud qualifié. Le Health Data Hub présente cette étape comme "
        "intermédiaire.",
        id="interim-copy",
    ),
    pytest.param(
        "Hébergement du Health Data Hub : le ministre répond au Sénat",
        None,
        "Interrogé lors des questions au gouvernement, le ministre a promis une solution "
        "souveraine avant la fin du quinquennat.",
        id="senate-question",
    ),
    pytest.param(
        "Le Health Data Hub et la souveraineté : chronologie d'un feuilleton",
        None,
        "Décembre 2019 : le Health Data Hub ouvre, hébergé sur Azure. Octobre 2020 : le "
        "ministre promet de quitter Microsoft sous deux ans. Septembre 2022 : le Health "
        "Data Hub repousse sa migration à 2025.",
        id="timeline",
    ),
    pytest.param(
        "Rapport d'information : les données de santé face à la dépendance numérique",
        None,
        "Synthèse des travaux de la mission d'information de l'Assemblée nationale, publiée le "
        "12 mars 2024.\n\nL'essentiel. Quatre ans après la promesse du gouvernement, le Health "
        "Data Hub est toujours hébergé par Microsoft. La mission juge le calendrier de migration "
        "irréaliste. Elle recommande de réserver les données sensibles aux offres qualifiées "
        "SecNumCloud.",
        id="report-summary-with-kicker",
    ),
    pytest.param(
        "Val-de-Reuil : les données de santé des Français hébergées près de chez nous ?",
        None,
        "Au bout d'une route de zone industrielle, le bâtiment gris ne se remarque guère. Il "
        "abrite pourtant l'un des centres de données les plus sécurisés de la région.\n\n"
        "C'est là que le Health Data Hub, jusqu'ici hébergé sur le cloud de Microsoft, pourrait "
        "installer ses serveurs après sa migration. L'opérateur du site n'a pas souhaité "
        "commenter. La mairie espère des emplois.",
        id="regional-scene-then-hdh",
    ),
]

NOT_RELEVANT = [
    pytest.param(
        "Endométriose : le Health Data Hub finance un projet d'intelligence artificielle",
        None,
        "Le projet, porté par l'AP-HP, exploitera les données du SNDS pour repérer les "
        "retards de diagnostic. Les chercheurs accéderont aux données hébergées par le "
        "Health Data Hub. Les premiers résultats sont attendus en 2025.",
        id="hdh-research-project",
    ),
    pytest.param(
        "Le Health Data Hub sélectionne dix projets lauréats de son appel à projets",
        None,
        "Les projets retenus portent sur l'oncologie, la pédiatrie et les maladies rares. "
        "Le Health Data Hub accompagnera les équipes dans l'accès aux données. Le HDH "
        "organisera un séminaire de restitution à l'automne.",
        id="hdh-call-for-projects",
    ),
    pytest.param(
        "Cloud souverain : OVHcloud et Scaleway à l'offensive face aux Américains",
        None,
        "Les acteurs français du cloud veulent profiter de la commande publique. Microsoft, "
        "Amazon et Google détiennent pourtant 70 % du marché européen. La migration des "
        "ministères vers des offres SecNumCloud reste lente.",
        id="cloud-market",
    ),
    pytest.param(
        "Bleu obtient le visa de sécurité SecNumCloud",
        None,
        "La coentreprise d'Orange et Capgemini franchit une étape décisive. Ses offres "
        "reposent sur la technologie de Microsoft. Plusieurs ministères sont clients. "
        "Le choix de Microsoft pour héberger le Health Data Hub avait relancé le débat sur "
        "le cloud de confiance en 2020. Bleu vise désormais les opérateurs d'importance "
        "vitale.",
        id="cloud-story-hdh-in-passing",
    ),
    pytest.param(
        "Cyberattaque : les données de 750 000 patients dérobées chez un prestataire",
        None,
        "Un hébergeur de données de santé a été victime d'un rançongiciel. Les données de "
        "plusieurs établissements ont été mises en vente. La Cnil a été saisie.",
        id="hospital-breach",
    ),
    pytest.param(
        "Une étude sur le SNDS révèle une hausse des prescriptions d'antidépresseurs",
        None,
        "Les chercheurs d'Epi-Phare ont exploité le Système national des données de santé "
        "sur dix ans. Les jeunes femmes sont les plus concernées.",
        id="snds-epidemiology",
    ),
    pytest.param(
        "Nouvelle directrice à la tête du Health Data Hub",
        None,
        "Elle succède à Stéphanie Combes, qui dirigeait le HDH depuis sa création. Elle "
        "était auparavant à la Drees.",
        id="hdh-appointment",
    ),
    pytest.param(
        "Mon espace santé : 10 millions de comptes activés",
        None,
        "Le service est hébergé par un prestataire certifié. L'Assurance maladie se "
        "félicite de l'adoption par les patients.",
        id="mon-espace-sante",
    ),
    pytest.param(
        "Microsoft signe un nouveau contrat avec l'Éducation nationale",
        None,
        "Le ministère renouvelle ses licences malgré la doctrine cloud au centre. Les "
        "défenseurs du logiciel libre dénoncent une dépendance au cloud américain.",
        id="microsoft-education",
    ),
    pytest.param(
        "Cloud Act : ce que risquent les données des entreprises européennes",
        None,
        "La loi américaine permet aux autorités d'exiger des données hébergées à "
        "l'étranger. Les juristes recommandent le chiffrement.",
        id="cloud-act-general",
    ),
    pytest.param(
        "AWS opens a European sovereign cloud region in Germany",
        None,
        "Amazon Web Services said the region would be operated by EU residents. Analysts "
        "see it as a response to Microsoft's sovereignty pledges.",
        id="aws-english",
    ),
    pytest.param(
        "Doctrine cloud au centre : les ministères à la traîne",
        None,
        "Un rapport de la Cour des comptes pointe la lenteur des migrations vers le cloud. "
        "Les ministères sociaux ont pris du retard. Le Health Data Hub, lui, reste un cas "
        "à part. L'Intérieur a lancé un appel d'offres pour un cloud interne.",
        id="doctrine-hdh-in-passing",
    ),
    pytest.param(
        "Covid-19 : une étude confirme l'efficacité des vaccins chez les plus âgés",
        None,
        "L'étude repose sur les données du SNDS mises à disposition par le Health Data "
        "Hub. Elle porte sur 30 millions de personnes.",
        id="covid-study",
    ),
    pytest.param(
        "Le CHU de Bordeaux migre son système d'information vers un cloud HDS",
        None,
        "L'établissement a choisi un hébergeur certifié pour ses données de santé. La "
        "migration doit durer dix-huit mois.",
        id="hospital-cloud",
    ),
    pytest.param(
        "Espace européen des données de santé : le Parlement adopte le règlement",
        None,
        "Le texte organise l'accès secondaire aux données de santé pour la recherche. En "
        "France, le Health Data Hub deviendra l'organisme d'accès. Les États membres ont "
        "deux ans pour s'y conformer.",
        id="ehds",
    ),
    pytest.param(
        "Le Health Data Hub ouvre son catalogue à de nouvelles cohortes",
        None,
        "La Plateforme des données de santé a ajouté six bases à son catalogue, dont deux "
        "registres de cancers. Les chercheurs pourront déposer leurs demandes dès le mois "
        "prochain. Le guichet unique a traité 300 dossiers l'an dernier. L'hébergement de la "
        "plateforme n'était pas à l'ordre du jour de la présentation.",
        id="hdh-story-one-hosting-line",
    ),
    pytest.param(
        "Données de santé : l'hôpital de Meaux héberge ses dossiers chez un acteur français",
        None,
        "Le centre hospitalier de Meaux a choisi Cloud Temple pour ses données de santé. La "
        "bascule s'est faite en six mois.\n\nLes équipes informatiques ont migré 40 téraoctets. "
        "Le directeur se félicite du résultat. Les médecins n'ont rien remarqué. Le choix tranche "
        "avec celui du Health Data Hub, hébergé sur Azure depuis 2019.",
        id="hospital-hosting-hdh-late-in-passing",
    ),
]


@pytest.mark.parametrize("title, lead, text", RELEVANT)
def test_relevant(title: str, lead: str | None, text: str) -> None:
    result = assess_relevance(title, lead, text, "fr")
    assert result.relevant, result
    assert 0.5 <= result.score <= 1


@pytest.mark.parametrize("title, lead, text", NOT_RELEVANT)
def test_not_relevant(title: str, lead: str | None, text: str) -> None:
    result = assess_relevance(title, lead, text, "fr")
    assert not result.relevant, result
    assert 0 <= result.score < 0.5


def test_seed_is_relevant_with_its_providers(seed_item: dict) -> None:
    seed = seed_item
    result = assess_relevance(seed.get("title", ""), None, seed["text"], seed["language"])
    assert result.relevant
    assert "body:health data hub" in result.reasons and "body:microsoft" in result.reasons
    found = {m.name for m in find_providers(seed["text"], default_catalog())}
    assert found == {
        "Microsoft", "Oodrive", "Outscale", "OVHcloud", "Thales", "Google", "Deutsche Telekom",
    }  # fmt: skip


def test_reasons_say_where() -> None:
    result = assess_relevance(
        "Le Health Data Hub quittera Microsoft", "La migration est prévue en 2025.", ""
    )
    assert result.relevant
    assert "title:health data hub" in result.reasons
    assert "title:microsoft" in result.reasons
    assert "lead:migration" in result.reasons


def test_score_is_monotonic_in_evidence() -> None:
    one = "Le Health Data Hub est hébergé sur Azure."
    opening = "Rien à signaler.\n\n"  # the first paragraph stands in for a missing lead
    some = assess_relevance("", None, opening + one).score
    more = assess_relevance("", None, opening + " ".join([one, "Rien.", one, "Rien.", one])).score
    assert 0 < some < more < 1


def test_pds_only_counts_beside_an_hdh_name() -> None:
    pds = "La PDS est hébergée sur Azure. La PDS prépare sa migration. La PDS veut un cloud."
    assert not assess_relevance("", None, pds).relevant
    assert assess_relevance("La Plateforme des données de santé et son cloud", None, pds).relevant


def test_lower_case_acronyms_are_not_anchors() -> None:
    text = "Le fichier hdh.csv est hébergé sur Azure. Le hdh migre. Le hdh veut un cloud."
    assert not assess_relevance("", None, text).relevant


def test_empty_article() -> None:
    result = assess_relevance("", None, "")
    assert not result.relevant and result.score == 0 and result.reasons == ()


def test_threshold_is_the_half_score() -> None:
    # score = points / (points + RELEVANT_POINTS): exactly 0.5 at the threshold
    text = "Le Health Data Hub est hébergé sur Azure. Rien. " * int(RELEVANT_POINTS)
    result = assess_relevance("", "Un chapô sans ancre.", text)
    assert result.relevant and result.score == 0.5


def test_headline_as_first_line_when_no_title() -> None:
    text = (
        "Health Data Hub : la bascule vers Scaleway confirmée\n\n"
        "Le ministère a confirmé le calendrier. Les chercheurs seront prévenus."
    )
    with_title = assess_relevance("Health Data Hub : la bascule vers Scaleway confirmée", None,
                                  text.split("\n\n", 1)[1])  # fmt: skip
    without = assess_relevance("", None, text)
    assert without.relevant and "title:health data hub" in without.reasons
    assert without.score == with_title.score


def test_lead_repeated_in_text_counts_once() -> None:
    lead = "Le Health Data Hub est hébergé sur Azure."
    body = "Rien d'autre.\n\nLe ministère se tait."
    alone = assess_relevance("Titre", lead, body)
    repeated = assess_relevance("Titre", lead, lead + "\n\n" + body)
    assert alone.score == repeated.score


def test_large_text_is_fast() -> None:
    import time

    paragraph = "Le Health Data Hub est hébergé sur Azure, le cloud de Microsoft. " * 20
    text = "\n\n".join([paragraph] * 150)  # ~200 kB
    start = time.perf_counter()
    assert assess_relevance("", None, text).relevant
    find_providers(text, default_catalog())
    assert time.perf_counter() - start < 5


# --- how real press names the HDH (sentences of our own) ------------------------------------
def classified_relevant(title: str, text: str, published: str = "2026-03-01",
                        language: str = "fr") -> bool:
    from datetime import UTC, datetime

    from hdhwatch.classify import classify
    from hdhwatch.records import Article

    article = Article(url="https://presse.example/a", title=title, text=text,
                      published=datetime.fromisoformat(published).replace(tzinfo=UTC),
                      language=language)
    return classify(article).relevant


@pytest.mark.parametrize(("title", "text"), [
    pytest.param(
        "Le gouvernement retire l'hébergement des données de santé à Microsoft",
        "Une procédure est lancée pour trouver un prestataire certifié. L'objectif : transférer "
        "toute la Plateforme de données de santé vers un nouvel hébergeur d'ici fin 2026.",
        id="plateforme-de-donnees",
    ),
    pytest.param(
        "Hosting of French health data by Microsoft: a new appeal before the Council of State",
        "Companies and associations filed an appeal on Tuesday against the authorisation given "
        "to the Redmond firm. The platform was launched in 2019 on Azure.",
        id="english-french-health-data",
    ),
    pytest.param(
        "Cloud de confiance : l'hébergement SecNumCloud exigé pour les données de santé",
        "Une circulaire rappelle les règles d'achat des administrations.\n\nElle précise les "
        "offres qualifiées.\n\nDans la santé, elle fait écho à la migration attendue du Health "
        "Data Hub vers un hébergeur qualifié d'ici fin 2026.",
        id="title-hosting-health-data-and-the-hdh-move",
    ),
])
def test_real_press_ways_of_naming_the_hdh(title: str, text: str) -> None:
    assert classified_relevant(title, text, language="en" if "the" in title else "fr")


def test_a_target_buried_in_paragraph_nine_makes_the_story_relevant() -> None:
    text = "\n\n".join([
        "La commission d'enquête a consacré sa journée aux achats numériques de l'État.",
        "L'Éducation nationale a défendu le renouvellement d'un contrat de licences.",
        "La direction des achats a été interrogée sur les contrats de messagerie.",
        "Le rapporteur a interrogé la direction du numérique sur ses clouds internes.",
        "L'après-midi, la Plateforme des données de santé était représentée par sa directrice.",
        "La directrice a rappelé que l'appel d'offres serait lancé dans les prochaines semaines.",
        "Un sénateur a relu les annonces passées.",
        "Il a demandé où en était le dossier.",
        "La directrice a reconnu que l'objectif initial ne serait pas tenu, et la migration "
        "complète vers un hébergeur qualifié est désormais envisagée d'ici la fin de 2026.",
    ])
    assert classified_relevant("Commande publique : les responsables de l'État auditionnés", text,
                               published="2025-06-04")


def test_a_passing_comparison_with_the_hdh_stays_irrelevant() -> None:
    text = ("Le CHU confie son entrepôt de données de santé à un hébergeur souverain. Le "
            "contrat a été signé après un appel d'offres.\n\nLa migration de l'entrepôt doit "
            "être achevée d'ici fin 2026, en trois temps.\n\nLe CHU compte sur cet outil pour "
            "ses projets d'intelligence artificielle.\n\nUn choix qui tranche avec celui du "
            "Health Data Hub national, hébergé chez Microsoft.")
    assert not classified_relevant("Un CHU confie ses données de santé à un cloud français",
                                   text)


def test_start_of_folds_a_prefix_only_when_exact():
    import random

    from hdhwatch.classify.relevance import _start_of
    from hdhwatch.textutil import fold_fast

    rng = random.Random(1)
    alphabet = ["a", "É", ".", "…", " ", "\n", "b", "\u00a0"]
    for _ in range(20000):
        x = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        n = rng.randint(0, 10)
        assert _start_of(x, n) == " ".join(fold_fast(x).split()).rstrip(".… ")[:n]
