"""Benchmark of the store's read paths on a large generated store, SQLite and PostgreSQL.

    python bench/query.py                 # 100,000 articles, both backends
    python bench/query.py --n 2000        # a quick smoke run
    python bench/query.py --backend sqlite --runs 50

It fills a store (a SQLite file in a temporary directory; a fresh PostgreSQL
database on the local server, created and dropped) with generated articles of
press length (600-900 words) written from a French press vocabulary of a few
thousand forms; about 5 % are about the Health Data Hub's hosting, with
provider mentions and deadline statements that follow the real story. Rows
go in through SQLAlchemy Core inserts in batches (executemany), so the FTS5
triggers and the generated tsvector keep search in step, as in production;
the timeline is then replayed once, so the store holds its shift events.

Then it times, each over ``--runs`` runs in a fresh session (warm cache), the
queries a user waits for: full-text search, search with a provider and a
date range, the timeline and the provider counts. Times are printed as median
and p95 milliseconds and as a ratio to a baseline measured in the same run (a
single-row fetch by primary key), so that figures from different machines can
be compared. Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from hdhwatch.classify.providers import default_catalog
from hdhwatch.events.timeline import update_timeline
from hdhwatch.read import report
from hdhwatch.read.query import ArticleFilter, list_articles
from hdhwatch.store.db import Database, open_database
from hdhwatch.store.models import Article, DeadlineStatement, ProviderMention

PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/test"
BATCH = 1000
START = datetime(2019, 6, 1, tzinfo=UTC)
END = datetime(2026, 11, 30, tzinfo=UTC)

# --- a French press vocabulary ----------------------------------------------------------------
# Function words are nearly half of real text; content words follow a
# Zipf law over a shuffled order. Nouns and adjectives also appear inflected,
# which brings the vocabulary to a few thousand distinct forms.
FUNCTION_WORDS = """
le la les l' un une des du de d' au aux et ou mais donc car ni que qu' qui quoi dont où
ce cet cette ces son sa ses leur leurs notre nos votre vos mon ma mes il elle ils elles on
nous vous je se s' en y ne n' pas plus moins très trop aussi encore déjà toujours jamais
sur sous dans par pour avec sans entre vers chez contre depuis pendant avant après selon
dès lors comme si quand alors ainsi tout tous toute toutes autre autres même mêmes chaque
plusieurs certains certaines aucun aucune est sont était étaient a ont avait avaient sera
seront été être avoir fait faire peut peuvent doit doivent va vont bien tant cela ceci
""".split()

NOUNS = """
gouvernement ministre ministère président présidente député sénateur sénat assemblée
parlement élu maire mairie commune région département préfet préfecture conseil
collectivité État administration fonctionnaire agent service public budget dépense
recette impôt taxe déficit dette croissance économie entreprise société groupe filiale
marché concurrence client fournisseur contrat commande appel offre prix coût tarif
facture salaire salarié emploi chômage travail syndicat grève négociation accord réforme
loi décret texte amendement article alinéa disposition mesure règle norme obligation
sanction amende tribunal juge justice procès audience avocat plainte enquête
procureur police gendarmerie sécurité délit victime témoin rapport étude analyse
chiffre donnée statistique indicateur hausse baisse recul progression tendance année
mois semaine jour heure période trimestre semestre calendrier échéance délai retard
projet programme plan stratégie politique objectif ambition priorité enjeu défi risque
menace crise difficulté problème solution réponse question débat polémique critique
inquiétude tension conflit dialogue réunion sommet rencontre visite déplacement
discours annonce déclaration communiqué entretien interview conférence tribune
journal journaliste presse média chaîne radio télévision site réseau plateforme
application logiciel outil système infrastructure serveur centre réseau câble
opérateur téléphone internet numérique ordinateur écran puce processeur
intelligence algorithme modèle calcul stockage sauvegarde fichier base archive
hôpital clinique médecin infirmier infirmière patient malade soin santé maladie
traitement médicament vaccin épidémie virus recherche chercheur laboratoire
université école élève étudiant enseignant professeur formation diplôme examen
famille enfant parent jeune personne habitant citoyen population public usager
ville quartier rue route autoroute gare train transport voiture véhicule vélo
avion aéroport port navire énergie électricité gaz pétrole carburant centrale
nucléaire éolienne panneau climat température chaleur sécheresse pluie orage
inondation incendie forêt agriculture agriculteur récolte terre eau rivière mer
montagne littoral environnement pollution émission carbone transition
culture festival concert spectacle exposition musée théâtre cinéma film livre
auteur artiste musique chanson album série saison épisode sport match équipe
joueur joueuse entraîneur club championnat coupe finale victoire défaite but
titre record médaille course stade supporter logement immeuble maison loyer
propriétaire locataire travaux chantier construction bâtiment quartier
banque crédit prêt épargne investissement investisseur bourse action actionnaire
dividende bénéfice chiffre perte capital fonds acquisition fusion rachat
industrie usine production produit consommation consommateur commerce magasin
vente achat exportation importation frontière pays nation europe union
commission directive règlement traité diplomatie ambassade guerre paix armée
soldat défense conflit sanction otage réfugié migration migrant asile
association fondation bénévole collectif militant manifestation cortège
responsable directeur directrice dirigeant patron cadre expert spécialiste
porte-parole conseiller cabinet équipe direction organisation structure
réseau partenaire partenariat coopération alliance consortium coentreprise
cahier charge critère exigence conformité certification qualification audit
contrôle vérification inspection autorité régulateur agence office institut
observatoire haut-commissariat médiateur défenseur cour tribunal instance
semaine matin soir nuit printemps été automne hiver rentrée fin début milieu
moment temps histoire mémoire avenir futur passé présent situation contexte
niveau rythme volume montant somme part moitié tiers quart majorité minorité
nombre ensemble partie secteur domaine champ filière branche métier profession
""".split()

ADJECTIVES = """
nouveau nouvel ancien grand petit gros important majeur mineur principal général
national régional local européen international mondial français public privé
social économique politique financier fiscal budgétaire juridique judiciaire
administratif technique numérique informatique industriel commercial agricole
médical sanitaire hospitalier scientifique culturel sportif éducatif
environnemental climatique énergétique nucléaire militaire diplomatique
sécuritaire stratégique souverain indépendant dépendant libre ouvert fermé
sensible confidentiel personnel collectif individuel commun unique seul premier
dernier prochain récent actuel futur passé long court rapide lent fort faible
haut bas cher gratuit coûteux rentable difficile facile simple complexe
clair flou précis vague certain probable possible impossible nécessaire
suffisant insuffisant efficace inefficace fiable solide fragile stable instable
prudent ferme officiel informel provisoire temporaire définitif complet partiel
total global large étroit vaste immense modeste lourd léger vif calme tendu
inquiet optimiste pessimiste critique favorable défavorable hostile proche
lointain étranger américain chinois allemand britannique italien espagnol
belge suisse canadien africain asiatique parisien lyonnais marseillais breton
""".split()

VERBS = """
annonce annoncent annoncé affirme affirment affirmé indique indiquent indiqué
estime estiment estimé explique expliquent expliqué souligne soulignent souligné
précise précisent précisé rappelle rappellent rappelé reconnaît reconnaissent
reconnu assure assurent assuré promet promettent promis prévoit prévoient prévu
lance lancent lancé présente présentent présenté publie publient publié dévoile
dévoilent dévoilé propose proposent proposé demande demandent demandé réclame
réclament réclamé refuse refusent refusé accepte acceptent accepté valide
valident validé adopte adoptent adopté vote votent voté signe signent signé
engage engagent engagé décide décident décidé choisit choisissent choisi
retient retiennent retenu confie confient confié attribue attribuent attribué
investit investissent investi finance financent financé coûte coûtent coûté
augmente augmentent augmenté baisse baissent baissé dépasse dépassent dépassé
atteint atteignent progresse progressent recule reculent reste restent resté
devient deviennent devenu semble semblent paraît paraissent permet permettent
permis oblige obligent obligé empêche empêchent empêché menace menacent menacé
dénonce dénoncent dénoncé critique critiquent critiqué conteste contestent
contesté défend défendent défendu soutient soutiennent soutenu juge jugent jugé
ouvre ouvrent ouvert ferme ferment fermé reporte reportent reporté repousse
repoussent repoussé accélère accélèrent accéléré ralentit ralentissent
ralenti poursuit poursuivent poursuivi achève achèvent achevé commence
commencent commencé termine terminent terminé prépare préparent préparé
organise organisent organisé réunit réunissent réuni rencontre rencontrent
rencontré visite visitent visité quitte quittent quitté rejoint rejoignent
rejoint remplace remplacent remplacé transfère transfèrent transféré héberge
hébergent hébergé stocke stockent stocké protège protègent protégé sécurise
sécurisent sécurisé garantit garantissent garanti respecte respectent respecté
""".split()

# Regular -er verbs, conjugated below (present, participle, infinitive, imperfect, future).
ER_VERBS = """
annoncer affirmer indiquer estimer expliquer souligner préciser rappeler assurer
lancer présenter publier dévoiler proposer demander réclamer refuser accepter
valider adopter voter signer engager décider confier attribuer financer coûter
augmenter baisser dépasser progresser reculer rester sembler obliger empêcher
menacer dénoncer critiquer contester juger fermer reporter repousser accélérer
achever commencer terminer préparer organiser rencontrer visiter quitter
remplacer transférer héberger stocker protéger sécuriser respecter aborder
accompagner accorder acheter adapter afficher ajouter aller alerter améliorer
amorcer analyser animer appeler apporter arrêter arriver associer augmenter
autoriser avancer baser bloquer bouleverser calculer capter changer charger
chercher chiffrer citer classer clôturer collaborer combler commenter comparer
compenser compléter compter concerner concrétiser confirmer consacrer
considérer consolider constater consulter contourner contribuer contrôler
coordonner créer déclarer décrocher défiler dégager déléguer démarrer
démontrer dépenser déployer déposer désigner développer diffuser diminuer
discuter documenter donner doubler durer écarter échanger éclairer économiser
éditer effectuer élaborer éliminer éloigner emporter encadrer encourager
enregistrer entamer envisager équiper éviter évoquer examiner exiger exister
expérimenter exploiter exporter exposer externaliser fabriquer favoriser
figurer fixer former fragiliser freiner fusionner gagner gérer gonfler gouverner
habiter hésiter identifier ignorer illustrer imaginer imposer importer inciter
informer installer intégrer interroger inviter jouer justifier laisser libérer
limiter livrer localiser loger manquer marquer mener mesurer migrer mobiliser
modifier montrer motiver négocier noter numériser observer occuper opérer
opposer orienter oublier partager participer passer payer peser piloter
placer planifier porter poser pousser pratiquer prélever présider prêter
privilégier profiter programmer prolonger prononcer protester prouver
qualifier questionner raconter rapprocher rassurer réaliser recenser recruter
rédiger réduire refuser regarder regretter relancer relever remarquer
rembourser rencontrer renforcer renoncer renouveler rénover répéter reposer
représenter réserver résister retarder retirer retrouver réunir révéler
risquer saluer sauver signaler simplifier situer solliciter souhaiter
subventionner suggérer superviser supprimer surveiller tabler témoigner
tenter tester tirer toucher tourner tracer traiter travailler traverser
trouver utiliser verser viser voter
""".split()

ADVERBS_AND_LINKS = """
notamment également cependant pourtant toutefois néanmoins enfin ensuite
désormais aujourd'hui hier demain actuellement récemment longtemps bientôt
souvent parfois rarement environ presque seulement surtout davantage
particulièrement largement fortement nettement légèrement progressivement
rapidement lentement directement finalement officiellement publiquement
concrètement techniquement juridiquement politiquement économiquement
initialement provisoirement définitivement clairement visiblement
vraisemblablement probablement certainement évidemment justement ailleurs
ensemble autrement plutôt assez beaucoup peu tard tôt ici là-bas partout
""".split()

MORE_NOUNS = """
chantier calendrier feuille route bilan étape phase lot tranche jalon
dossier volet pilier levier frein obstacle blocage verrou impasse compromis
arbitrage signal alerte vigilance confiance défiance méfiance transparence
gouvernance pilotage supervision tutelle opérateur prestataire sous-traitant
intégrateur éditeur hébergement infogérance maintenance exploitation
cybersécurité cyberattaque rançongiciel faille vulnérabilité correctif
chiffrement clé identifiant mot passe authentification accès droit liberté
vie privée consentement anonymat pseudonyme traçabilité journalisation
cohorte registre dossier médical ordonnance consultation urgence service
pharmacie pharmacien assurance mutuelle remboursement cotisation caisse
sécurité sociale retraite pension allocation aide subvention dotation
territoire ruralité métropole banlieue village campagne canton intercommunalité
scrutin élection campagne candidat candidate sondage électeur électorat
gauche droite centre opposition majorité coalition motion censure remaniement
grâce tarif péage abonnement forfait bouquet box fibre antenne pylône
satellite fusée espace lanceur orbite station drone robot capteur batterie
recharge borne hydrogène biomasse méthanisation isolation chauffage
rénovation thermique sobriété facture compteur tarif prix inflation pouvoir
achat panier ménage revenu patrimoine héritage donation fortune richesse
pauvreté précarité exclusion solidarité bénévolat don cagnotte collecte
""".split()

PROPER_NAMES = """
Paris Lyon Marseille Toulouse Bordeaux Lille Nantes Strasbourg Rennes Nice
Montpellier Grenoble Dijon Rouen Brest Bruxelles Berlin Londres Washington Pékin
Bercy Matignon Élysée Sénat Bretagne Occitanie Normandie Provence Alsace
Macron Borne Attal Barnier Bayrou Lecornu Véran Braun Valletoux Rousseau Vautrin
Darmanin Le Maire Retailleau Ferracci Barrot Lescure Bothorel Chappaz Clara
Renaissance Républicains Insoumis Écologistes Socialistes Rassemblement
Insee Banque Cour Conseil Arcep Anssi Cnil Arcom Inria Inserm CNRS AP-HP Sanofi
Airbus Renault Stellantis TotalEnergies EDF Engie SNCF RATP Orange Bouygues Free
Thales Atos Capgemini Dassault Safran Michelin L'Oréal Danone Carrefour Leclerc
""".split()

# Words of the watched story: rare in ordinary articles, dense in relevant ones.
TOPIC_WORDS = """
cloud souverain souveraineté hébergement hébergeur migration réversibilité
SecNumCloud HDS qualification Microsoft Azure Amazon AWS Google OVHcloud Scaleway
Outscale hyperscaleur données santé plateforme entrepôt pseudonymisées CNIL
""".split()

OUTLETS = [
    "Le Quotidien du Nuage",
    "Le Courrier numérique",
    "Santé connectée",
    "Acteurs de l'État",
    "La Dépêche du Centre",
    "L'Écho des régions",
    "Tech et Société",
    "Le Journal de l'Ouest",
    "Nord Matin",
    "Sud Informations",
    "La Gazette du Midi",
    "Économie Hebdo",
    "Le Fil santé",
    "Décideurs publics",
    "Hospimedia Lettre",
    "Cyber Actu",
    "Le Moniteur local",
    "Le Républicain",
    "Alpes Matin",
    "Paris Soir",
]

PROVIDERS = [
    "OVHcloud",
    "Scaleway",
    "Outscale",
    "Cloud Temple",
    "Bleu",
    "S3NS",
    "Oodrive",
    "NumSpot",
    "Amazon Web Services",
    "Google",
    "Orange",
    "Capgemini",
    "Thales",
]


def inflected(words: list[str], feminine: bool) -> list[str]:
    forms = []
    for w in words:
        forms.append(w)
        if not w.endswith(("s", "x", "z")):
            forms.append(w + ("aux" if w.endswith("al") else "s"))
        if feminine and not w.endswith("e"):
            forms.append(w + "e")
            forms.append(w + "es")
    return forms


def conjugated(verbs: list[str]) -> list[str]:
    forms = []
    for v in verbs:
        stem = v[:-2]
        forms += [
            v,
            stem + "e",
            stem + "ent",
            stem + "é",
            stem + "ée",
            stem + "és",
            stem + "ait",
            stem + "aient",
            stem + "era",
            stem + "eront",
        ]
    return forms


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Forms and cumulative weights: function words nearly half the text, the rest Zipfian."""
    content = (
        inflected(NOUNS + MORE_NOUNS, False)
        + inflected(ADJECTIVES, True)
        + VERBS
        + conjugated(ER_VERBS)
        + ADVERBS_AND_LINKS
        + PROPER_NAMES
    )
    content = list(dict.fromkeys(content))
    rng.shuffle(content)
    words = FUNCTION_WORDS + content
    weights = [10.0 / (i + 1) for i in range(len(FUNCTION_WORDS))]
    weights += [3.0 / (i + 1) ** 0.8 for i in range(len(content))]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    return words, cumulative


# --- the story, as the articles state it ---------------------------------------------------
# (published from, current target, precision, phrase)
ERAS = [
    (datetime(2019, 6, 1, tzinfo=UTC), date(2022, 12, 31), "year", "d'ici la fin 2022"),
    (datetime(2022, 9, 12, tzinfo=UTC), date(2025, 12, 31), "year", "en 2025"),
    (datetime(2026, 2, 10, tzinfo=UTC), date(2026, 12, 31), "year", "d'ici fin 2026"),
    (
        datetime(2026, 4, 8, tzinfo=UTC),
        date(2027, 3, 31),
        "quarter",
        "entre fin 2026 et début 2027",
    ),
]


def era_of(published: datetime) -> int:
    return max(i for i, era in enumerate(ERAS) if era[0] <= published)


@dataclass
class Generator:
    rng: random.Random
    words: list[str]
    cumulative: list[float]

    def sentence(self, n: int | None = None) -> str:
        n = n or self.rng.randint(8, 28)
        picks = [
            self.words[bisect.bisect_left(self.cumulative, self.rng.random())] for _ in range(n)
        ]
        if n > 12 and self.rng.random() < 0.5:
            picks[self.rng.randint(4, n - 4)] += ","
        first = picks[0]
        picks[0] = first[:1].upper() + first[1:]
        return " ".join(picks).replace("' ", "'") + "."

    def paragraphs(self, words: int, extra: list[str]) -> str:
        sentences = []
        count = 0
        while count < words:
            s = self.sentence()
            sentences.append(s)
            count += s.count(" ") + 1
        for s in extra:
            sentences.insert(self.rng.randint(0, len(sentences)), s)
        out, i = [], 0
        while i < len(sentences):
            k = self.rng.randint(3, 6)
            out.append(" ".join(sentences[i : i + k]))
            i += k
        return "\n\n".join(out)


def relevant_sentences(
    g: Generator, published: datetime, providers: list[str]
) -> tuple[list[str], list[tuple]]:
    """Sentences about the HDH's hosting, and the statements (deadline, precision, role, ...)."""
    rng = g.rng
    era = era_of(published)
    _, target, precision, phrase = ERAS[era]
    sentences = [
        f"Le Health Data Hub, hébergé depuis 2019 sur Microsoft Azure, doit rejoindre "
        f"un cloud souverain qualifié SecNumCloud {rng.choice(['chez', 'auprès de'])} "
        f"{providers[0]}.",
        "La Plateforme des données de santé reste dépendante de son hébergeur américain, "
        "soumis au Cloud Act.",
    ]
    statements = []
    if rng.random() < 0.8:
        s = f"La migration de la plateforme est désormais attendue {phrase}, selon le ministère."
        sentences.append(s)
        statements.append((target, precision, "current", None, None, s, phrase, "attendue"))
        if rng.random() < 0.3:
            s = f"Le calendrier officiel vise toujours une bascule {phrase}."
            sentences.append(s)
            statements.append((target, precision, "current", None, None, s, phrase, "vise"))
        if era > 0 and rng.random() < 0.6:
            old_target, old_precision, old_phrase = ERAS[era - 1][1:4]
            s = f"Elle était initialement prévue {old_phrase}, un calendrier abandonné."
            sentences.append(s)
            statements.append(
                (
                    old_target,
                    old_precision,
                    "former",
                    None,
                    None,
                    s,
                    old_phrase,
                    "initialement prévue",
                )
            )
        if rng.random() < 0.1:
            s = "Une copie des données doit être transférée d'ici la fin de l'année."
            sentences.append(s)
            statements.append(
                (
                    date(published.year, 12, 31),
                    "year",
                    "current",
                    None,
                    "interim",
                    s,
                    "d'ici la fin de l'année",
                    "copie",
                )
            )
        if rng.random() < 0.05:
            s = f"Pas de bascule complète avant {target.year}, prévient la direction."
            sentences.append(s)
            statements.append(
                (target, "year", "current", "not_before", None, s, f"avant {target.year}", "pas de")
            )
    for p in providers[1:]:
        sentences.append(f"{p} figure parmi les candidats à l'hébergement des données de santé.")
    return sentences, statements


def generate(n: int, seed: int) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    """Articles as row dicts, with their provider mentions and deadline statements."""
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    g = Generator(rng, words, cumulative)
    span = (END - START).total_seconds()
    hashes: dict[int, str] = {}
    for article_id in range(1, n + 1):
        # more recent articles than old ones, as outlets' archives go
        published = START + timedelta(seconds=span * rng.random() ** 0.7)
        relevant = rng.random() < 0.05
        providers: list[str] = []
        statements: list[tuple] = []
        extra: list[str] = []
        copy_of = None
        if relevant:
            providers = ["Microsoft", *rng.sample(PROVIDERS, rng.randint(1, 4))]
            extra, statements = relevant_sentences(g, published, providers[1:] or ["OVHcloud"])
            era = ERAS[era_of(published)]
            title = f"Health Data Hub : la migration vers le cloud souverain attendue {era[3]}"
        else:
            title = g.sentence(rng.randint(6, 12)).rstrip(".")
            if rng.random() < 0.08:  # tech and policy stories that name a cloud giant
                name = rng.choice(["Microsoft", "Amazon Web Services", "Google", "OVHcloud"])
                providers = [name]
                extra = [
                    f"{name} renforce son offre de cloud en Europe face aux exigences de "
                    "souveraineté des clients publics."
                ]
        body = g.paragraphs(rng.randint(600, 900), extra)
        content_hash = uuid.UUID(int=rng.getrandbits(128)).hex
        if relevant and hashes and rng.random() < 0.03:  # a syndicated copy
            copy_of = rng.choice(list(hashes))
            content_hash = hashes[copy_of]
        elif relevant:
            hashes[article_id] = content_hash
        row = {
            "id": article_id,
            "url": f"https://bench.invalid/{article_id}",
            "title": title,
            "lead": None,
            "description": None,
            "text": body,
            "published_at": published,
            "updated_at": None,
            "authors": [],
            "outlet": rng.choice(OUTLETS),
            "language": "fr",
            "content_hash": content_hash,
            "duplicate_of_id": copy_of,
            "fetched_at": published,
            "relevant": relevant,
            "relevance_score": 0.8 if relevant else 0.0,
            "relevance_reasons": [],
            "classified_at": published,
            "classifier_version": "bench",
        }
        mentions = []
        for p in providers:
            offset = max(0, body.find(p))
            mentions.append(
                {
                    "article_id": article_id,
                    "provider": p,
                    "count": max(1, body.count(p)),
                    "sentence": p,
                    "offset": offset,
                    "alias": p,
                }
            )
        deadlines = [
            {
                "article_id": article_id,
                "deadline": d,
                "precision": prec,
                "role": role,
                "bound": bound,
                "scope": scope,
                "sentence": s,
                "offset": max(0, body.find(s)),
                "phrase": phrase,
                "cue": cue,
            }
            for d, prec, role, bound, scope, s, phrase, cue in statements
        ]
        yield row, mentions, deadlines


# --- filling the store -------------------------------------------------------------------------
def fill(db: Database, n: int, seed: int) -> dict:
    started = time.perf_counter()
    counts = {"articles": 0, "relevant": 0, "mentions": 0, "statements": 0}
    batch: tuple[list, list, list] = ([], [], [])

    def flush() -> None:
        with db.session() as session:
            session.execute(insert(Article.__table__), batch[0])
            if batch[1]:
                session.execute(insert(ProviderMention.__table__), batch[1])
            if batch[2]:
                session.execute(insert(DeadlineStatement.__table__), batch[2])
        for part in batch:
            part.clear()

    for row, mentions, deadlines in generate(n, seed):
        batch[0].append(row)
        batch[1].extend(mentions)
        batch[2].extend(deadlines)
        counts["articles"] += 1
        counts["relevant"] += row["relevant"]
        counts["mentions"] += len(mentions)
        counts["statements"] += len(deadlines)
        if len(batch[0]) >= BATCH:
            flush()
            print(f"\r  {counts['articles']}/{n} articles", end="", file=sys.stderr, flush=True)
    if batch[0]:
        flush()
    print("", file=sys.stderr)
    with db.session() as session:
        update_timeline(session)  # the shift events a crawl would have raised
    with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            for table in ("articles", "provider_mentions", "deadline_statements"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
            connection.execute(text("ANALYZE"))  # what autovacuum does after a bulk load
    counts["seconds"] = time.perf_counter() - started
    return counts


# --- measuring -------------------------------------------------------------------------------
SEARCHES = [
    "health data hub",
    "cloud souverain",
    "hébergement des données de santé",
    "migration Microsoft",
    "ministre budget",
]


def measure(db: Database, runs: int, n: int, seed: int) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    catalog = default_catalog()

    def baseline(i: int) -> None:
        with db.session() as session:
            session.get(Article, rng.randint(1, n))

    def search(i: int) -> None:
        with db.session() as session:
            list_articles(session, ArticleFilter(search=SEARCHES[i % len(SEARCHES)], limit=50))

    def search_filtered(i: int) -> None:
        with db.session() as session:
            list_articles(
                session,
                ArticleFilter(
                    search=["migration", "cloud souverain", "données de santé"][i % 3],
                    provider=["Scaleway", "OVHcloud", "Microsoft"][i % 3],
                    since=date(2024, 1, 1),
                    until=date(2026, 6, 30),
                    limit=50,
                ),
            )

    def timeline(i: int) -> None:
        with db.session() as session:
            report.timeline_rows(session)
            report.current_target(session)

    def providers(i: int) -> None:
        with db.session() as session:
            report.provider_counts(session, None if i % 2 else date(2025, 1, 1), catalog)

    queries: list[tuple[str, Callable[[int], None]]] = [
        ("baseline: one article by id", baseline),
        ("full-text search, 50 newest", search),
        ("search + provider + dates", search_filtered),
        ("timeline rows + current state", timeline),
        ("provider counts per month", providers),
    ]
    results = []
    for name, query in queries:
        query(0)  # warm the cache and the statement caches
        times = []
        for i in range(runs):
            t0 = time.perf_counter()
            query(i)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        results.append((name, statistics.median(times), p95))
    return results


def print_table(backend: str, counts: dict, results: list[tuple[str, float, float]]) -> None:
    base = results[0][1]
    print(
        f"\n{backend}: {counts['articles']} articles ({counts['relevant']} relevant, "
        f"{counts['mentions']} provider mentions, {counts['statements']} deadline "
        f"statements), filled in {counts['seconds']:.0f} s"
    )
    print(f"{'query':<32} {'median ms':>10} {'p95 ms':>9} {'× baseline':>11}")
    for name, median, p95 in results:
        print(f"{name:<32} {median:>10.2f} {p95:>9.2f} {median / base:>11.1f}")


# --- backends --------------------------------------------------------------------------------
@contextmanager
def scratch_store(backend: str, pg_url: str) -> Iterator[tuple[Database, str] | None]:
    """A new, empty, migrated store on ``backend`` ("sqlite" or "postgresql") and its URL,
    removed afterwards; None when PostgreSQL is not reachable at ``pg_url`` (said why)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="hdhwatch-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            db = open_database(url)
            try:
                yield db, url
            finally:
                db.close()
        return
    import psycopg

    try:
        admin = psycopg.connect(pg_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"\nPostgreSQL skipped: not reachable at {pg_url}: {str(exc).splitlines()[0]}")
        yield None
        return
    name = f"hdhwatch_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{pg_url.rsplit('/', 1)[0]}/{name}"
        db = open_database(url)
        try:
            yield db, url
        finally:
            db.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def run(args, backend: str) -> None:
    with scratch_store(backend, args.pg_url) as store:
        if store is not None:
            db, _url = store
            counts = fill(db, args.n, args.seed)
            print_table(BACKENDS[backend], counts, measure(db, args.runs, args.n, args.seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query (>= 30)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=PG_ADMIN_URL,
        help="an existing PostgreSQL database to connect to as an admin",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        parser.error("--n and --runs must be positive")
    words, _ = vocabulary(random.Random(args.seed))
    print(
        f"{args.n} generated articles, vocabulary of {len(words)} forms, {args.runs} runs "
        "per query (warm cache, a fresh session each run)"
    )
    for backend in BACKENDS:
        if args.backend in (backend, "both"):
            run(args, backend)


if __name__ == "__main__":
    main()
