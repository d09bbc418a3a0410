"""Word lists for the emergence watch: the cues that present a name as a network, and the names
that are never candidates (companies, people, places, media, regulators, non-social products).

Kept apart from the extraction logic so that a reader can audit them, and a maintainer can add a
decoy seen in the wild without touching a regular expression. Every entry is compared on its
normalised key (:func:`watch.emergence_names.name_key`: accents, case and punctuation dropped).
Catalogue platforms are *not* listed here: they are read from the ``platform`` table, so that a
platform a user adds is excluded too.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A set from a block of space-separated words (easier to read and review than a list)."""
    return frozenset(text.split())


def _names(text: str) -> frozenset[str]:
    """A set from a block of ``|``-separated names (names may contain spaces)."""
    return frozenset(n.strip() for n in text.replace("\n", "").split("|") if n.strip())


# Nouns that present the next name (or the previous one) as a social network: strong evidence.
STRONG_NOUNS_FR = (
    "réseau social",
    "réseau",
    "appli sociale",
    "application sociale",
    "app sociale",
    "plateforme sociale",
    "alternative",
    "concurrent",
    "concurrente",
    "rival",
    "clone",
    "microblog",
    "messagerie sociale",
    "réseaux sociaux",
    "alternatives",
    "concurrents",
    "rivaux",
    "réponse",
)
STRONG_NOUNS_EN = (
    "social network",
    "social networking app",
    "social networking site",
    "social media app",
    "social media",
    "social media platform",
    "social media site",
    "social media network",
    "social app",
    "social platform",
    "network",
    "alternative",
    "rival",
    "competitor",
    "clone",
    "microblogging platform",
    "microblogging service",
    "microblogging site",
    "microblogging app",
    "social networks",
    "social apps",
    "networks",
    "alternatives",
    "rivals",
    "competitors",
    "clones",
    "answer",
)
# Nouns that say "an app / a platform": evidence only with a social context around.
WEAK_NOUNS_FR = ("application", "applications", "appli", "applis", "app", "apps", "plateforme",
                 "plateformes", "messagerie", "métavers")  # fmt: skip
WEAK_NOUNS_EN = ("app", "apps", "application", "platform", "platforms",
                 "messaging app", "metaverse", "messenger", "client")  # fmt: skip

# Words that, inside the description, show the app is not a social network (an editor, a shop).
NON_SOCIAL_DESCRIPTORS = words(
    """
    editing editor éditeur montage retouche browser navigateur payment payments paiement
    paiements banking bancaire bank banque wallet portefeuille shopping e-commerce commerce
    seconde-main second-hand revente resale météo weather maps cartographie gps vpn
    password mots-de-passe calculator calculatrice fitness santé health streaming-musical
    music musique podcast podcasts email e-mail mail courriel search recherche
    translation traduction antivirus bureautique productivity productivité office
    learning apprentissage éducation education educational éducative cours courses quiz
    meditation méditation sleep sommeil banking néobanque
    password-manager gestionnaire
    ferré électrique recharge 5g 4g fibre télévision tv chaînes cellular power rail wifi
    wi-fi transport transports bus tram énergie energy electric électricité agences
    """
)

# Words that may sit between a cue noun and the name it introduces ("l'application mobile
# Noplace", "the social app Sez"); anything else there ("app from Zenly", "réseau façon
# MySpace", "startup launches Moxie") means the next capitalised word is not the app's name.
NOUN_MODIFIERS = words(
    """
    mobile gratuite gratuit free sociale social vidéo video photo photos chinoise chinois
    chinese américaine américain american française français french européenne européen
    european britannique british japonaise japonais japanese coréenne coréen korean indienne
    indien indian brésilienne brésilien brazilian allemande allemand german suédoise suédois
    locale local new nouvelle nouveau anonyme anonymous privée privé private open-source libre
    décentralisée décentralisé decentralized decentralised federated fédérée fédéré
    indépendante indépendant independent populaire popular messaging musicale musical
    communautaire community émergente émergent emerging jeune young rivale rival concurrente
    concurrent alternative alternatif alternatifs alternatives sociales sociaux
    """
)

# Kinds of apps that are not social networks, as the word just before "app" says ("news app
# Particle", "email app Hey", "banking app Qonto").
PRODUCT_KINDS = words(
    """
    news actualités email e-mail mail weather météo banking bank banque bancaire shopping
    fitness music musique navigation gps editing montage learning finance trading notes
    calendar agenda productivity productivité vpn browser navigateur payment paiement
    password delivery livraison taxi ride-hailing travel voyage dating rencontres
    """
)

# Words around a name that make "app" or "platform" mean a social one.
SOCIAL_CONTEXT = (
    "réseau social",
    "réseaux sociaux",
    "social",
    "sociale",
    "abonnés",
    "followers",
    "amis",
    "friends",
    "ados",
    "adolescents",
    "teens",
    "teenagers",
    "lycéens",
    "étudiants",
    "students",
    "gen z",
    "génération z",
    "créateurs",
    "creators",
    "communauté",
    "community",
    "communities",
    "partage",
    "partager",
    "sharing",
    "share",
    "posts",
    "publications",
    "fil d'actualité",
    "timeline",
    "feed",
    "vidéos courtes",
    "short video",
    "short-video",
    "messagerie",
    "messaging",
    "chat",
    "group chats",
    "fediverse",
    "fédivers",
    "fédiverse",
    "décentralisé",
    "decentralised",
    "decentralized",
    "federated",
    "fédéré",
    "influenceurs",
    "influencers",
    "stories",
    "selfie",
    "groupes",
    "groups",
    "clubs",
    "voisins",
    "neighbors",
    "neighbours",
    "voisinage",
    "neighborhood",
    "inconnus",
    "strangers",
    "rencontrer",
    "meet new",
    "entre amis",
    "with friends",
    "vidéos courtes",
    "short videos",
    "loops",
    "décentralisée",
    "protocole at",
    "at protocol",
    "nostr",
    "activitypub",
    "participative",
    "participatif",
    "citoyens",
    "citoyenne",
    "civic",
)

# Phrases that, anywhere in the entry, make it clear the app under discussion is a social network.
STRONG_CONTEXT = (
    "réseau social",
    "réseaux sociaux",
    "social network",
    "social app",
    "social media",
    "social video app",
    "social web",
    "appli sociale",
    "application sociale",
    "alternative",
    "concurrent de",
    "rival",
    "fediverse",
    "fédivers",
    "fédiverse",
)

# Capitalised words that start headlines or sit next to names without being names.
GENERIC_WORDS = words(
    """
    a an the this that these those its it is are was be new old all any some our your my
    le la les l un une des du de d au aux ce cet cette ces son sa ses leur leurs et ou en
    sur sous dans avec sans pour par vers chez après avant face selon pendant depuis contre
    entre and or of on in at to for with without from by after before as via into over
    qui que qu quoi quand comment pourquoi où combien est sont what why how when where who
    which whose will would can could should may might does did do has have had here there
    voici voilà découvrez decouvrez exclusif exclusive breaking inside meet try looking
    enquête analyse interview tribune opinion podcast vidéo video live update mise jour
    nouveau nouvelle nouveaux nouvelles new newest latest first premier première dernier
    dernière big grand grande petit petite jeune young best meilleur meilleure top
    réseau réseaux social sociale sociaux network networks app apps appli application
    applications plateforme platform platforms service services site sites startup start
    up messagerie messaging alternative alternatives rival rivals concurrent clone
    internet web online ligne mobile smartphone smartphones téléphone phone phones tablet
    store play appstore googleplay ios android ipados macos windows linux iphone ipad
    mac pc ia ai gpt llm chatbot chatbots bot bots algorithm algorithme algorithmes
    utilisateurs users user membres members comptes accounts abonnés followers
    millions million milliard milliards billion billions mille thousand
    fediverse fédivers fédiverse activitypub atproto protocol protocole at
    gen génération ados teens jeunes
    mais but yet so donc alors ainsi aussi also even même encore still just only seul seule
    un deux trois one two three
    ceo pdg fondateur founder cofondateur
    europe's world's america's china's
    lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday
    friday saturday sunday janvier février mars avril mai juin juillet août septembre
    octobre novembre décembre january february march april may june july august
    september october november december
    français française européen européenne américain américaine chinois chinoise
    japonais japonaise indien indienne brésilien brésilienne british french european
    american chinese japanese indian brazilian german allemand allemande coréen coréenne
    coréens coréennes korean koreans américains américaines français européens européennes
    chinois japonais indiens brésiliens allemands britanniques britannique anglais
    americans europeans canadian canadien canadienne canadiens australian australien
    australienne mexican mexicain mexicaine spanish espagnol espagnole italian italien italienne
    swedish suédois suédoise dutch néerlandais néerlandaise swiss suisse belgian belge irish
    irlandais russian russe ukrainian ukrainien turkish turc turque african africain africaine
    asian asiatique nigerian vietnamese vietnamien thai thaïlandais indonesian indonésien
    israeli israélien arab arabe québécois québécoise lgbt lgbtq lgbtqia queer
    hey hello bonjour salut oh wow ok okay yes oui non no
    rss api sms mms html http https url email e-mail qr nfc usb wi-fi wifi bluetooth 5g 4g
    crypto web3 blockchain nft kids junior family famille pro plus premium lite business
    enterprise entreprise
    everyone everybody someone somebody nobody anyone tout tous toutes chacun quelqu
    officiel officielle official rgpd gdpr dsa dma
    elle elles il ils on nous vous je tu he she they we you i ça cela ceci celle celui ceux
    reels stories story shorts spaces fleets channels chaînes notes communities communautés
    lives snaps posts feed feeds fil fils
    """
)

COMPANIES = _names(
    """
    meta|meta platforms|facebook inc|google|alphabet|bytedance|snap|snap inc|microsoft|apple|
    openai|amazon|anthropic|nvidia|samsung|tencent|alibaba|baidu|huawei|xiaomi|netflix|spotify|
    uber|airbnb|tesla|spacex|xai|mistral|mistral ai|ibm|intel|oracle|salesforce|adobe|sony|
    nintendo|epic games|valve|automattic|vivendi|orange|free|sfr|bouygues|iliad|ubisoft|deezer|
    qwant|ecosia|doctolib|blablacar|leboncoin|vinted|shein|temu|aliexpress|yahoo|aol|mozilla|
    opera|brave|proton|duckduckgo|wikipedia|wikimedia|trump media|x corp|twitter inc|
    voodoo|framasoft|the browser company|perplexity|deepseek|hugging face|canva|figma|
    zoom|slack|dropbox|paypal|stripe|visa|mastercard|revolut|lydia|booking|expedia|
    disney|warner|universal|paramount|comcast|at&t|verizon|t-mobile|vodafone|
    telegram fz-llc|discord inc|reddit inc|pinterest inc|bluesky social pbc|mastodon ggmbh|
    signal technology foundation|trump media & technology group|truth social inc|
    naver|kakao|line yahoo|rakuten|sea|grab|gojek|flipkart|reliance|jio|
    trump media and technology group|newsmax|fox|fox news|foxconn|tsmc|arm|qualcomm|amd|
    """
)

# AI assistants, devices, systems and apps that are not social networks.
PRODUCTS = _names(
    """
    chatgpt|gpt|gpt-4|gpt-5|gemini|bard|claude|copilot|grok|meta ai|le chat|llama|sora 2|
    dall-e|midjourney|stable diffusion|siri|alexa|alexa+|cortana|bixby|
    iphone|ipad|apple watch|vision pro|apple vision pro|airpods|pixel|galaxy|quest|
    ray-ban|spectacles|kindle|echo|
    ios|android|windows|macos|linux|chrome|chromeos|safari|firefox|edge|comet|arc|
    gmail|google maps|maps|youtube music|apple music|icloud|outlook|teams|office|
    microsoft 365|word|excel|powerpoint|notion|trello|asana|
    netflix|prime video|disney+|canal+|mycanal|molotov|twitch prime|
    capcut|inshot|lightroom|photoshop|premiere|final cut|imovie|edits|
    app store|play store|google play|apple app store|galaxy store|
    uber eats|deliveroo|just eat|waze|citymapper|
    tinder|hinge|bumble|grindr|meetic|happn|
    duolingo|candy crush|fortnite|minecraft|roblox|pokémon go|pokemon go|
    wordpress|medium|substack|ghost|patreon|onlyfans|linktree|
    zoom|skype|facetime|imessage|messenger|rcs|sms|
    """
)

PEOPLE = _names(
    """
    elon musk|musk|mark zuckerberg|zuckerberg|jack dorsey|dorsey|jay graber|graber|
    adam mosseri|mosseri|linda yaccarino|yaccarino|sam altman|altman|evan spiegel|spiegel|
    shou chew|tim cook|sundar pichai|pichai|satya nadella|nadella|donald trump|trump|
    joe biden|biden|kamala harris|harris|jd vance|vance|emmanuel macron|macron|
    thierry breton|breton|ursula von der leyen|von der leyen|eugen rochko|rochko|
    pavel durov|durov|neal mohan|steve huffman|xavier niel|niel|jeff bezos|bezos|
    bill gates|gates|larry page|sergey brin|sheryl sandberg|nick clegg|clegg|
    alexis ohanian|kevin systrom|mike krieger|tiffany zhong|noam bardin|isaac hayes|
    naval ravikant|dansup|daniel supernault|christopher bouzy|jeff jarvis|kara swisher|
    taylor swift|mrbeast|squeezie|hugodécrypte|hugo travers|inoxtag|kylian mbappé|mbappé|
    clara chappaz|rachida dati|gabriel attal|attal|michel barnier|barnier|bayrou|
    françois bayrou|sébastien lecornu|lecornu|marine le pen|le pen|jordan bardella|bardella|
    jean-luc mélenchon|mélenchon|anne hidalgo|hidalgo|
    """
)

PLACES = _names(
    """
    france|paris|lyon|marseille|toulouse|nice|nantes|strasbourg|montpellier|bordeaux|lille|
    rennes|reims|grenoble|dijon|angers|valence|romans|romans-sur-isère|drôme|isère|
    auvergne-rhône-alpes|île-de-france|occitanie|bretagne|normandie|corse|
    europe|union européenne|ue|eu|european union|chine|china|usa|us|états-unis|etats-unis|
    united states|amérique|america|brésil|brazil|inde|india|japon|japan|russie|russia|
    ukraine|québec|quebec|canada|australie|australia|royaume-uni|uk|united kingdom|
    allemagne|germany|espagne|spain|italie|italy|suède|sweden|suisse|switzerland|belgique|
    belgium|bruxelles|brussels|londres|london|berlin|madrid|rome|new york|washington|
    californie|california|texas|silicon valley|san francisco|pékin|beijing|tokyo|séoul|
    seoul|corée|korea|corée du sud|south korea|taïwan|taiwan|singapour|singapore|lituanie|
    lithuania|irlande|ireland|dublin|pays-bas|netherlands|asie|asia|afrique|africa|
    """
)

MEDIA = _names(
    """
    le monde|monde|libération|libé|le figaro|figaro|bfmtv|bfm|franceinfo|france info|
    numerama|les numériques|01net|frandroid|siècle digital|bdm|blog du modérateur|
    presse-citron|journal du geek|le journal du geek|korben|clubic|usbek & rica|le parisien|
    l'express|express|le point|mediapart|ouest-france|20 minutes|huffpost|le huffpost|
    techcrunch|the verge|verge|wired|engadget|axios|reuters|afp|ap|associated press|
    bloomberg|cnn|bbc|the guardian|guardian|new york times|nyt|the new york times|
    washington post|business insider|insider|mashable|ars technica|platformer|
    fast company|social media today|digiday|variety|cnbc|fortune|forbes|gizmodo|zdnet|
    le temps|rts|radio france|france inter|france 24|tf1|m6|arte|konbini|brut|loopsider|
    the information|semafor|politico|the atlantic|vox|recode|the register|9to5mac|
    macrumors|android authority|les echos|l'usine digitale|usine digitale|la tribune|
    challenges|capital|l'obs|télérama|stratégies|cb news|e-marketing|maddyness|
    """
)

# Regulators, institutions and laws: they act on networks, they are not networks.
INSTITUTIONS = _names(
    """
    arcom|cnil|commission|commission européenne|european commission|parlement européen|
    european parliament|conseil d'état|sénat|senate|assemblée nationale|congress|congrès|
    ftc|sec|fcc|ofcom|doj|department of justice|supreme court|cour suprême|
    gouvernement|government|élysée|matignon|ministère|ministry|bercy|dgccrf|anssi|
    cjue|cour de justice|court|tribunal|police|gendarmerie|pharos|
    onu|un|unesco|unicef|otan|nato|who|oms|ocde|oecd|
    digital services act|digital markets act|ai act|online safety act|
    éducation nationale|l'éducation nationale|
    """
)

# Frequent first names: a "First Last" pair starting with one of them is a person.
FIRST_NAMES = words(
    """
    adam alex alexandre alexis alice amanda amy andrew anna anne antoine arthur ben benjamin
    bill bob brian camille caroline catherine charles charlotte chris christian christine
    christopher claire clara daniel david denis donald elon emma emmanuel eric évan evan
    françois frank frédéric gabriel george guillaume hugo isaac jack jacques james jane jay
    jean jeff jennifer jessica jim joe john jonathan jordan joseph julia julie julien kamala
    karen kate kevin laura laurent linda lisa louis lucas luc marc marie marine mark martin
    mary matt matthew michael michel mike nathalie neal nicolas nick noam olivier pascal
    patrick paul pavel peter philippe pierre rachel richard robert ryan sam samuel sarah
    satya sébastien sergey sheryl shou sophie stéphane steve steven sundar susan taylor
    thierry thomas tim tom tony ursula valérie vincent william xavier yann
    """
)
