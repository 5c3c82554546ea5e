"""Provider and frame detection: aliases, elisions, accents and the homonym traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from hdhwatch.classify.providers import (
    DEFAULT_PROVIDERS_PATH,
    Certification,
    ProviderCatalog,
    default_catalog,
    find_frames,
    find_providers,
    load_providers,
)
from hdhwatch.errors import ConfigError
from hdhwatch.read.words import describe_certification, describe_jurisdiction

FORMAT_TABLE = (
    "Microsoft", "Amazon Web Services", "Google", "OVHcloud", "Outscale", "Oodrive",
    "Scaleway", "Thales", "S3NS", "Bleu", "Orange", "Capgemini", "Cloud Temple", "NumSpot",
    "Atos", "Docaposte", "Deutsche Telekom", "Sopra Steria", "Worldline",
)  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> ProviderCatalog:
    return default_catalog()


def names(text: str, catalog: ProviderCatalog) -> list[str]:
    return [m.name for m in find_providers(text, catalog)]


# --- the catalogue ---------------------------------------------------------------------


def test_catalog_holds_the_format_table(catalog: ProviderCatalog) -> None:
    assert set(FORMAT_TABLE) <= set(catalog.names)
    assert len(set(catalog.names)) == len(catalog.names)


def test_catalog_facts(catalog: ProviderCatalog) -> None:
    microsoft = catalog.get("Azure")
    assert microsoft.name == "Microsoft"
    assert microsoft.country == "US" and "Cloud Act" in microsoft.jurisdiction
    assert microsoft.certified("HDS") and not microsoft.certified("SecNumCloud")
    assert catalog.get("ovh").jurisdiction.startswith("FR")
    bleu = catalog.get("Bleu")
    assert (bleu.operated_by, bleu.technology) == (("Orange", "Capgemini"), "Microsoft")
    with pytest.raises(KeyError):
        catalog.get("Nobody Cloud")


def test_default_catalog_is_cached_and_accepts_a_path() -> None:
    assert default_catalog() is default_catalog(DEFAULT_PROVIDERS_PATH)


@pytest.mark.parametrize(
    "content, message",
    [
        ("provider = [", "providers.toml"),
        ("", r"no \[\[provider\]\]"),
        ('[[provider]]\naliases = ["X"]\n', "missing 'name'"),
        ('[[provider]]\nname = "X"\n', "at least one alias"),
        ('[[provider]]\nname = "X"\naliases = "X"\n', "list of strings"),
        ('[[provider]]\nname = "A"\naliases = ["Zed"]\n'
         '[[provider]]\nname = "B"\naliases = ["zed"]\n', "already belongs"),
        ('[[provider]]\nname = "A"\naliases = ["A"]\n'
         '[[provider.guarded]]\nforms = ["B"]\ncase = 1\n', "unknown key"),
        ('[[provider]]\nname = "A"\naliases = ["A"]\n[[provider.certification]]\nname = "HDS"\n'
         'date = "2018/01"\n', "'date'"),
        ('[[provider]]\nname = "A"\naliases = ["A"]\noperated_by = "Orange"\n',
         "'operated_by' must be a list of strings"),
    ],
)  # fmt: skip
def test_bad_catalog_raises_config_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "providers.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_providers(path)


def test_missing_catalog_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_providers(tmp_path / "nope.toml")


# --- aliases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Les données restent hébergées sur Azure.", "Microsoft"),
        ("Le contrat passé avec Microsoft Azure fait débat.", "Microsoft"),
        ("Microsoft Cloud for Sovereignty doit rassurer les administrations.", "Microsoft"),
        ("Amazon Web Services ouvre une région souveraine.", "Amazon Web Services"),
        ("AWS et Google dominent le marché français du cloud.", "Amazon Web Services"),
        ("Amazon investit 1,2 milliard d'euros dans ses centres de données français.",
         "Amazon Web Services"),
        ("Google Cloud s'allie à Thales.", "Google"),
        ("Les clients de GCP migrent peu.", "Google"),
        ("Google reste le moteur de recherche le plus utilisé en France.", "Google"),
        ("OVHcloud a été qualifié.", "OVHcloud"),
        ("Le roubaisien OVH cloud se positionne.", "OVHcloud"),
        ("OVH Cloud répondra à l'appel d'offres.", "OVHcloud"),
        ("Outscale, filiale de Dassault Systèmes, est candidate.", "Outscale"),
        ("3DS Outscale est qualifié SecNumCloud.", "Outscale"),
        ("Dassault Systèmes Outscale propose une offre de cloud souverain.", "Outscale"),
        ("Oodrive a été cité comme alternative.", "Oodrive"),
        ("Scaleway a été retenu en avril 2026.", "Scaleway"),
        ("Thales et Google ont créé une coentreprise.", "Thales"),
        ("Thalès et Google ont créé une coentreprise.", "Thales"),
        ("S3NS a obtenu le visa de l'Anssi.", "S3NS"),
        ("Bleu, la coentreprise d'Orange et Capgemini, vise SecNumCloud.", "Bleu"),
        ("Orange Business Services héberge déjà des données de santé.", "Orange"),
        ("Orange et Capgemini ont lancé leur offre.", "Orange"),
        ("L'opérateur Orange a présenté ses résultats.", "Orange"),
        ("Capgemini détient la moitié de la coentreprise.", "Capgemini"),
        ("Cap Gemini était alors une SSII.", "Capgemini"),
        ("Cloud Temple figure parmi les prestataires qualifiés.", "Cloud Temple"),
        ("NumSpot réunit Docaposte et Dassault Systèmes.", "NumSpot"),
        ("Numspot a levé des fonds.", "NumSpot"),
        ("Atos a longtemps hébergé le dossier médical partagé.", "Atos"),
        ("Eviden, la branche d'Atos, répond aussi.", "Atos"),
        ("Docaposte est l'un des principaux hébergeurs de données de santé.", "Docaposte"),
        ("Deutsche Telekom propose un cloud souverain.", "Deutsche Telekom"),
        ("T-Systems exploite le cloud souverain allemand.", "Deutsche Telekom"),
        ("OVH et T-Mobile travaillent ensemble.", "Deutsche Telekom"),
        ("L'offre de Telekom s'appuie sur Google.", "Deutsche Telekom"),
        ("Sopra Steria accompagne la migration.", "Sopra Steria"),
        ("Worldline héberge certains services de l'Assurance maladie.", "Worldline"),
        ("IBM Cloud reste marginal en France.", "IBM"),
        ("Oracle a ouvert une région à Marseille.", "Oracle"),
        ("Alibaba Cloud n'est pas candidat.", "Alibaba Cloud"),
        ("Cegedim.cloud est certifié HDS.", "Cegedim"),
        ("Wimi et Jamespot ont obtenu la qualification.", "Wimi"),
    ],
)  # fmt: skip
def test_alias(text: str, expected: str, catalog: ProviderCatalog) -> None:
    assert expected in names(text, catalog)


def test_a_parent_group_named_as_owner_is_not_a_provider(catalog: ProviderCatalog) -> None:
    text = "Scaleway, la filiale cloud du groupe Iliad, hébergera la plateforme."
    assert names(text, catalog) == ["Scaleway"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("La migration des données d'OVH vers le nouveau site.", "OVHcloud"),
        ("L'offre d'Outscale a été jugée trop limitée.", "Outscale"),
        ("Ce n'est qu'Azure qui offre ces services aujourd'hui.", "Microsoft"),
        ("L’offre d’Oodrive est qualifiée.", "Oodrive"),  # typographic apostrophe
        ("Le choix d'Amazon Web Services surprend.", "Amazon Web Services"),
        ("Le partenariat d'Orange avec Capgemini.", "Orange"),
        ("L'entrée d'Atos au capital.", "Atos"),
        ("Microsoft's sovereign cloud pledge did not convince.", "Microsoft"),
        ("The Health Data Hub left Azure's servers.", "Microsoft"),
        ("Les Google et les Microsoft du marché.", "Google"),
        ("MICROSOFT ET LE HEALTH DATA HUB", "Microsoft"),
        ("microsoft et ovh", "OVHcloud"),
        ("Le nouveau contrat d'OVHcloud.", "OVHcloud"),
        ("OVH-Cloud répondra.", "OVHcloud"),
        ("Un accord Google-Thales.", "Thales"),
        ("Un accord Google-Thales.", "Google"),
    ],
)
def test_elisions_accents_and_forms(text: str, expected: str, catalog: ProviderCatalog) -> None:
    assert expected in names(text, catalog)


# --- homonym traps: each case is written so that a careless matcher fails it ---------------


@pytest.mark.parametrize(
    "text, absent",
    [
        # Bleu: a colour, a flag, a sports team
        ("Le ciel bleu au-dessus du campus de l'Anssi.", "Bleu"),
        ("Le label Bleu de France n'a rien à voir avec le cloud.", "Bleu"),
        ("Sous le ciel Bleu, l'offre cloud attendra.", "Bleu"),
        ("Les Bleus ont gagné ; le cloud attendra.", "Bleu"),
        ("Bleu, blanc, rouge : le cloud français se pare des couleurs nationales.", "Bleu"),
        ("Le maillot Bleu des supporters.", "Bleu"),
        ("Bleu est une couleur apaisante, selon les psychologues.", "Bleu"),
        ("Blue Origin a lancé une fusée, loin du cloud.", "Bleu"),
        ("IBM, surnommé Big Blue, propose aussi un cloud.", "Bleu"),
        ("a blue sky over the cloud region", "Bleu"),
        # Orange: the town, the colour, the film
        ("Le festival se tient à Orange (Vaucluse) chaque été.", "Orange"),
        ("Le maire d'Orange a visité le centre de données.", "Orange"),
        ("Le théâtre antique d'Orange accueille les Chorégies.", "Orange"),
        ("Le logo est orange et le cloud est vert.", "Orange"),
        ("Orange mécanique reste le film le plus célèbre de Kubrick.", "Orange"),
        # Sens: the word, the town, the road sign
        ("Les travaux engagés en ce sens n'ont pas abouti.", "S3NS"),
        ("Le sens de l'histoire, selon Thales et Google, est au cloud.", "S3NS"),
        ("Sens interdit pour Google dans le cloud de l'État.", "S3NS"),
        ("Le datacenter de Sens (Yonne) accueille des serveurs cloud.", "S3NS"),
        ("La ville de Sens a signé avec un prestataire cloud.", "S3NS"),
        ("Un projet qui a du Sens, dit Thales.", "S3NS"),
        ("Le mot Sens revient souvent dans ses discours.", "S3NS"),
        ("Sens et non-sens du cloud souverain, selon Thales.", "S3NS"),  # sentence start
        ("Thales et Google avancent en ce sens dans le cloud.", "S3NS"),  # lower case
        # Amazon: the forest and the river
        ("La forêt Amazon brûle, selon les images satellites.", "Amazon Web Services"),
        ("The Amazon rainforest is losing ground.", "Amazon Web Services"),
        ("L'Amazonie a perdu 10 % de sa surface.", "Amazon Web Services"),
        # Atos / Athos
        ("Athos, Porthos et Aramis n'ont rien à voir avec le cloud.", "Atos"),
        # Thales the philosopher
        ("Le théorème de Thalès est enseigné au collège.", "Thales"),
        ("Thalès de Milet prédisait les éclipses.", "Thales"),
        # Oracle as a word
        ("L'Oracle de Delphes rendait ses prédictions.", "Oracle"),
        ("Il se pose en oracle du cloud.", "Oracle"),
        # Dassault Systèmes alone is not Outscale; 3DS alone is not either
        ("Dassault Systèmes présente ses résultats annuels.", "Outscale"),
        # word boundaries
        ("Les ovhiens ou les Azuréens ?", "OVHcloud"),
        ("La Côte d'Azur accueille le salon.", "Microsoft"),
        ("Le Googleplex est en Californie.", "Google"),
        ("Le Telekomunikacja polonais n'est pas allemand.", "Deutsche Telekom"),
    ],
)
def test_homonym_is_not_a_provider(text: str, absent: str, catalog: ProviderCatalog) -> None:
    assert absent not in names(text, catalog)


@pytest.mark.parametrize(
    "text, present",
    [
        ("Bleu, la coentreprise de Capgemini et d'Orange, a reçu le visa.", "Bleu"),
        ("Orange et Capgemini ont créé Bleu. Bleu vise la qualification SecNumCloud.", "Bleu"),
        ("Le cloud de confiance Blue d'Orange et Capgemini.", "Bleu"),
        ("Les offres de Bleu et de S3NS reposent sur des technologies américaines.", "Bleu"),
        ("La coentreprise de Thales et Google, Sens, vise SecNumCloud.", "S3NS"),
        ("Chez Thales, on estime que Sens sera qualifié en 2025.", "S3NS"),
        ("Le contrat a été attribué à Orange pour son offre de cloud.", "Orange"),
        ("Orange Business a ouvert un datacenter à Val-de-Reuil.", "Orange"),
        ("Amazon a annoncé un investissement massif dans ses datacenters.",
         "Amazon Web Services"),
        ("Thales Alenia Space et Thales ont des activités distinctes.", "Thales"),
    ],
)  # fmt: skip
def test_homonym_in_context_is_a_provider(
    text: str, present: str, catalog: ProviderCatalog
) -> None:
    assert present in names(text, catalog)


# --- the mention records ----------------------------------------------------------------------


def test_mentions_are_sorted_counted_once_each(catalog: ProviderCatalog) -> None:
    text = (
        "Le Health Data Hub est hébergé chez Microsoft. Des noms comme Oodrive, Outscale et "
        "OVH ont émergé comme alternatives à Azure.\n\nMicrosoft Azure reste en place. "
        "OVHcloud n'a pas été retenu."
    )
    mentions = find_providers(text, catalog)
    assert [m.name for m in mentions] == ["Microsoft", "Oodrive", "Outscale", "OVHcloud"]
    microsoft = mentions[0]
    assert microsoft.count == 3  # Microsoft, Azure, "Microsoft Azure" counted once
    assert microsoft.offset == text.index("Microsoft")
    assert microsoft.alias == "Microsoft"
    assert microsoft.sentence == "Le Health Data Hub est hébergé chez Microsoft."
    ovh = mentions[3]
    assert ovh.count == 2 and ovh.alias == "OVH"
    assert text[ovh.offset : ovh.offset + len(ovh.alias)] == ovh.alias


def test_longest_form_wins(catalog: ProviderCatalog) -> None:
    (mention,) = find_providers("Dassault Systèmes Outscale a répondu.", catalog)
    assert mention.alias == "Dassault Systèmes Outscale" and mention.offset == 0
    (mention,) = find_providers("Orange Business Services.", catalog)
    assert mention.alias == "Orange Business Services"


def test_alias_is_written_form_and_offset_survives_accents(catalog: ProviderCatalog) -> None:
    text = "Élément clé : l’hébergeur Thalès."
    (mention,) = find_providers(text, catalog)
    assert mention.alias == "Thalès" and text[mention.offset :].startswith("Thalès")


def test_empty_text(catalog: ProviderCatalog) -> None:
    assert find_providers("", catalog) == ()
    assert find_frames("") == ()


def test_seed_providers(catalog: ProviderCatalog, seed_item: dict) -> None:
    seed = seed_item
    found = names(seed.get("title", "") + "\n\n" + seed["text"], catalog)
    assert set(found) == set(seed["expected"]["providers"])
    assert len(found) == len(set(found))


# --- frames -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, frame",
    [
        ("Microsoft n'a pas le label SecNumCloud de l'Anssi.", "SecNumCloud"),
        ("Une offre qualifiée SecNum Cloud par l'agence.", "SecNumCloud"),
        ("Microsoft a obtenu la certification HDS en 2018.", "HDS"),
        ("Il est certifié hébergeur de données de santé.", "HDS"),
        ("Les hébergeurs de données de santé doivent être certifiés.", "HDS"),
        ("Le référentiel d'hébergement de données de santé a été révisé.", "HDS"),
        ("Le schéma EUCS divise les États membres.", "EUCS"),
        ("Les conséquences du Cloud Act sont redoutées.", "Cloud Act"),
        ("Le CLOUD Act de 2018 autorise les autorités américaines.", "Cloud Act"),
        ("Le RGPD s'applique à toutes les données de santé.", "RGPD"),
        ("Under the GDPR, health data is a special category.", "RGPD"),
        ("Le règlement général sur la protection des données s'applique.", "RGPD"),
        ("La disparition du Privacy Shield a fragilisé le choix.", "Privacy Shield"),
        ("Le Data Privacy Framework a été adopté en juillet 2023.", "Data Privacy Framework"),
        ("Le DPF pourrait être annulé à son tour.", "Data Privacy Framework"),
        ("La loi FISA permet la surveillance des étrangers.", "FISA"),
        ("La section 702 a été reconduite par le Congrès.", "FISA"),
        ("Depuis l'arrêt Schrems II de la CJUE.", "Schrems II"),
        ("Depuis l'arrêt Schrems de juillet 2020.", "Schrems II"),
    ],
)
def test_frame(text: str, frame: str) -> None:
    assert frame in [m.name for m in find_frames(text)]


@pytest.mark.parametrize(
    "text, frame",
    [
        ("Le hds de ce fichier.", "HDS"),  # lower-case: not the acronym
        ("Le cloud actuel ne suffit pas.", "Cloud Act"),
        ("Une fisa lower-case n'est pas la loi.", "FISA"),
        ("L'hébergement des données de santé du Health Data Hub.", "HDS"),  # generic phrase
        ("Depuis l'arrêt Schrems I de 2015.", "Schrems II"),
    ],
)
def test_not_a_frame(text: str, frame: str) -> None:
    assert frame not in [m.name for m in find_frames(text)]


def test_frame_counts_and_first_sentence() -> None:
    text = (
        "Microsoft a obtenu la certification d'hébergeur de données de santé (HDS). "
        "Le Cloud Act inquiète. Le HDS ne suffit pas face au Cloud Act."
    )
    frames = {m.name: m for m in find_frames(text)}
    assert frames["HDS"].count == 2  # "hébergeur ... (HDS)" is one mention
    assert frames["Cloud Act"].count == 2
    assert frames["Cloud Act"].sentence == "Le Cloud Act inquiète."
    assert [m.name for m in find_frames(text)] == ["HDS", "Cloud Act"]
    assert text[frames["HDS"].offset :].startswith("hébergeur")


def test_a_provider_s_facts_in_the_reader_s_words(catalog: ProviderCatalog) -> None:
    bleu, s3ns, microsoft = (catalog.get(n) for n in ("Bleu", "S3NS", "Microsoft"))
    assert describe_jurisdiction(bleu, "en") == (
        "FR, EU (operated by Orange and Capgemini on Microsoft technology)")
    assert describe_jurisdiction(bleu, "fr") == (
        "FR, UE (exploité par Orange et Capgemini sur une technologie Microsoft)")
    assert describe_jurisdiction(s3ns, "fr") == (
        "FR, UE (exploité par Thales sur une technologie Google)")
    assert describe_jurisdiction(microsoft, "fr") == "US (Cloud Act)"
    unsure = Certification("SecNumCloud", confirmed=False)
    assert describe_certification(unsure, "fr") == "SecNumCloud (non confirmée)"
    assert describe_certification(unsure, "en") == "SecNumCloud (unconfirmed)"
    assert describe_certification(Certification("HDS", "2018"), "fr") == "HDS (2018)"
