"""The words behind the language decision (``citizenbot.language``): short words that name a
short message's language, each language's function words, the words two languages share, the
shape of a street name (left out of detection) and how residents ask for a language.

Data only, kept apart so a content editor adding a language finds its words in one place. Words
are compared folded (``citizenbot.text.fold``, Arabic-script letters unified by ``fold_script``).
"""

from __future__ import annotations

import re

# Words that on their own say which language a very short message is in.
SHORT_WORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        "moi moikka moro morjes morjens hei heippa heissan terve paivaa huomenta iltaa kiitos kiitti "
        "kiitoksia joo juu kylla ei eika okei selva nahdaan hyvaa apua peruuta lopeta suomeksi "
        "suomea ohita jatka".split()
    ),
    "sv": frozenset(
        "hej hejsan tjena tja halla tack tackar ja jo nej god dag morgon kvall hejda adjo avbryt "
        "svenska pa svenska hoppa over fortsatt".split()
    ),
    "en": frozenset(
        "hi hello hey thanks thank you yes yeah yep no nope bye goodbye please help cancel english "
        "good morning evening skip sure".split()
    ),
    "ru": frozenset("привет здравствуйте спасибо да нет пока помогите отмена русский по-русски".split()),
    "uk": frozenset("привіт вітаю дякую ні бувайте допоможіть скасувати українською".split()),
    "et": frozenset("tere tervist aitäh tänan jah palun appi katkesta eesti keeles".split()),
    "ar": frozenset("مرحبا السلام عليكم شكرا نعم لا السلامة ساعدني فضلك العربية".split()),
    "so": frozenset("salaan nabad haa maya mahadsanid mahadsantahay caawi fadlan soomaali".split()),
    "fa": frozenset("سلام درود ممنون مرسی متشکرم بله آره نه خداحافظ کمک لطفا فارسی".split()),
}

# Frequent words that belong to one served language only (folded; shared ones such as "on", "en",
# "i", "se" left out). They outvote the detector when a sentence mixes in a word of another
# language ("what is a siirtokehotus? there's a paper on my windshield").
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        "mika mita missa milloin miten miksi kuka onko voiko voinko saako pitaako etta kun jos "
        "mutta tai myos vai mun mulla minun minulla minua sinun meidan meilla tama taa tassa siella nyt viela "
        "jo kanssa ilman pitaa kiitos olet ovat oon oo ollut onks meille".split()
    ),
    "sv": frozenset(
        "och ar det att som for med har kan inte vad nar hur vem varfor jag du vi min mitt mina var ett "
        "till fran eller ocksa men om sa hade skulle ska maste vill finns kommer blir nagon nagot har ni "
        "int e vart".split()
    ),
    "en": frozenset(
        "the is are was were what when where why who how which this that there these those and or but "
        "of to in for with my our your you we they it do does did can could should would will have has "
        "been be a an not no please about from there's it's i'm don't can't isn't".split()
    ),
    # Words two served languages share are in SHARED_FUNCTION_WORDS, not here.
    "et": frozenset(
        "kas mis kus millal kuidas miks kes seda pole aga kui mu minu meie teie tema nad ning veel "
        "juba nüüd siin seal kuhu kust palun aitäh".split()
    ),
    "ru": frozenset(
        "и что как где когда почему меня мой мне это есть нет можно нужно уже ещё или "
        "но если чтобы вы мы он она они был была было будет очень пожалуйста его её их".split()
    ),
    "uk": frozenset(
        "і й що як де коли чому мене мій мені це є немає можна треба вже ще або але "
        "якщо щоб ви ми він вона вони був була було буде дуже будь ласка його її їх".split()
    ),
    "ar": frozenset(
        "في إلى عن هل ماذا متى كيف لماذا هذا هذه هناك أنا نحن أنت لي عندي لا لم لن "
        "مع كان يوجد الذي التي لكن إذا".split()
    ),
    "fa": frozenset(
        "در از با که است هست نیست را اگر شما برای چه چطور کجا چرا "
        "آیا می خیلی دارم داریم باید".split()
    ),
    "so": frozenset(
        "waa iyo ka ku maxaa maxay sidee xagee goorma waxaan waxay aan anigu adiga innaga hadii "
        "laakiin yahay tahay jira jiraa fadlan mahadsanid".split()
    ),
}

# Frequent words two languages share (folded: Arabic "أين" where and Persian "این" this are one):
# they support the detector's choice between the two, never outvote it.
SHARED_FUNCTION_WORDS: dict[tuple[str, str], frozenset[str]] = {
    ("fi", "et"): frozenset("ja ei ole oli olen saa mulle voi".split()),
    ("ru", "uk"): frozenset("в у не на моя".split()),
    ("ar", "fa"): frozenset("من ما و أين این آن أن یا يا اما به هم أو او على کی".split()),
}

# A street or park name: the name word, then at most a case ending ("Sammonkadulla", "Hämeenkatua",
# "Storgatan"); "katuvalo" (street light) is a common word, not a name.
NAME_SUFFIX_RE = re.compile(
    r"(katu|kadu|tie|kuja|polku|polu|vayla|raitti|kaari|puisto|gatan|gata|vagen|vag|grand|torg)"
    r"(n|a|ta|lla|lle|lta|ssa|sta|an|en|et|na|ksi|t|illa|ille|ilta|issa|ista|ihin|ien|ja|ine)?$"
)

REQUEST_PATTERNS: dict[str, re.Pattern[str]] = {
    "fi": re.compile(
        r"\b(suomeksi|suomea|suomen kiel\w*|finska|finnish|in finnish|pa finska)\b"
    ),
    "sv": re.compile(
        r"\b(ruotsiksi|ruotsia|ruotsin kiel\w*|svenska|pa svenska|swedish|in swedish)\b"
    ),
    "en": re.compile(
        r"\b(englanniksi|englantia|englannin kiel\w*|engelska|pa engelska|english|in english)\b"
    ),
    "ru": re.compile(r"\b(venajaksi|venajan kiel\w*|ryska|pa ryska|russian|in russian|по-русски|на русском)\b"),
    "uk": re.compile(r"\b(ukrainaksi|ukrainan kiel\w*|ukrainska|pa ukrainska|ukrainian|in ukrainian|українською)\b"),
    "et": re.compile(r"\b(viroksi|viron kiel\w*|estniska|pa estniska|estonian|in estonian|eesti keeles)\b"),
    "ar": re.compile(r"\b(arabiaksi|arabian kiel\w*|arabiska|pa arabiska|arabic|in arabic|بالعربيه|باللغه العربيه)\b"),
    "so": re.compile(r"\b(somaliksi|somalin kiel\w*|somaliska|pa somaliska|somali|in somali|af soomaali)\b"),
    "fa": re.compile(r"\b(persiaksi|farsiksi|persian kiel\w*|persiska|pa persiska|persian|farsi|in persian|به فارسي)\b"),
}
