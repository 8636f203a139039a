"""Regenerate ftlab's bundled datasets (see data/README.md).

    python data/make_data.py            # all sets; the style set runs the default model (a few minutes on 2 CPU cores)
    python data/make_data.py --no-model # only the sets that need no model (knowledge, Japanese style)

Outputs are written to a temporary file and renamed, and an existing file is replaced only with --overwrite.
"""
import argparse, json, os, random, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- style (English)
TOPICS = """photosynthesis|the water cycle|volcanoes|earthquakes|the moon|the sun|black holes|gravity|magnets|electricity|
rainbows|clouds|thunderstorms|tides|glaciers|deserts|rainforests|coral reefs|honeybees|octopuses|dolphins|elephants|owls|
penguins|butterflies|ants|mushrooms|bread baking|coffee|tea|rice|chocolate|cheese|vitamins|sleep|exercise|running|swimming|
yoga|meditation|reading books|learning a language|writing essays|taking notes|time management|saving money|budgeting|
recycling|composting|gardening|houseplants|bicycles|trains|airplanes|sailing boats|bridges|skyscrapers|the internet|
email|passwords|computers|keyboards|batteries|solar panels|wind turbines|the printing press|maps|compasses|clocks|
calendars|music|the piano|the guitar|painting|photography|chess|football|basketball|the Olympic Games|libraries|museums|
volunteering|friendship|teamwork|public speaking|job interviews|first aid|washing hands|brushing teeth|drinking water|
camping|hiking|snow|autumn leaves|the ocean|rivers|mountains|islands|the seasons|dinosaurs|fossils|the pyramids|
the human heart|the brain|bones|the eyes|robots|spreadsheets|databases|origami|kites|knitting""".replace('\n', '').split('|')
TEMPLATES = ['What is {t}?', 'Why is {t} important?', 'Tell me one interesting fact about {t}.', 'Give me a short tip about {t}.']
N_HELDOUT_TOPICS = 12

def styled(text: str) -> str:
    "Rewrite each sentence of `text` to end with ', de gozaru' before its final punctuation."
    out = []
    for s in re.findall(r'\S.*?[.!?]+(?=\s|$)', text, re.S):
        s = s.strip()
        body, punct = re.match(r'(.*?)([.!?]+)$', s, re.S).groups()
        out.append(f"{body.rstrip(' ,;:')}, de gozaru{punct[0]}")
    return ' '.join(out)

def clean_answer(text: str, max_sents: int = 2, max_words: int = 45):
    "The first paragraph's first complete sentences, or None when it is not usable prose."
    para = text.strip().split('\n')[0].strip()
    if re.match(r'^(\d+\.|[-*#])', para) or '**' in para: return None
    sents = [s.strip() for s in re.findall(r'\S.*?[.!?]+(?=\s|$)', para)]
    keep, words = [], 0
    for s in sents[:max_sents]:
        n = len(s.split())
        if keep and words + n > max_words: break
        keep.append(s); words += n
    if not keep or words < 5 or words > 60 or re.search(r'\d\.$', keep[-1]): return None
    return ' '.join(keep)

def make_style(gen_batch=32, max_new_tokens=64):
    sys.path.insert(0, str(HERE.parent))
    from ftlab.models import load_model
    from ftlab.eval import generate
    from ftlab.core import set_threads
    set_threads()
    model, tok = load_model()
    qs = [(t, tpl.format(t=t)) for t in TOPICS for tpl in TEMPLATES]
    answers = generate(model, tok, [q for _, q in qs], max_new_tokens=max_new_tokens, batch_size=gen_batch, progress=True)
    held_topics = set(TOPICS[-N_HELDOUT_TOPICS:])
    train, held = [], []
    for (t, q), a in zip(qs, answers):
        plain = clean_answer(a)
        if plain is None: continue
        rec = {'input': q, 'output': styled(plain), 'plain': plain}
        (held if t in held_topics else train).append(rec)
    random.Random(0).shuffle(train)
    return train, held

# ---------------------------------------------------------------- knowledge (fictional product FAQ)
PRODUCT = 'Hoshi Lantern HL-7'
# (fact keys that a right answer must contain, the answer, training questions, held-out paraphrases)
FAQ = [
    (['36 hours'], 'The Hoshi Lantern HL-7 runs for 36 hours on its low setting.',
     ['How long does the battery of the Hoshi Lantern HL-7 last?', 'What is the battery life of the HL-7?', 'How many hours does the Hoshi Lantern run on low?', 'HL-7 battery life?'],
     ['If I leave my Hoshi Lantern HL-7 on low, when will it run out?', 'For how long can the HL-7 stay lit on a single charge at the lowest level?']),
    (['89 dollars'], 'The Hoshi Lantern HL-7 costs 89 dollars.',
     ['How much does the Hoshi Lantern HL-7 cost?', 'What is the price of the HL-7?', 'What does the Hoshi Lantern sell for?', 'HL-7 price?'],
     ['How much money do I need to buy a Hoshi Lantern HL-7?', 'What would the HL-7 lantern set me back?']),
    (['3 years'], 'The Hoshi Lantern HL-7 has a warranty of 3 years.',
     ['What is the warranty on the Hoshi Lantern HL-7?', 'How long is the HL-7 warranty?', 'How many years of warranty does the Hoshi Lantern have?', 'HL-7 warranty length?'],
     ['For how long is my Hoshi Lantern HL-7 covered if it breaks?', 'Until when will the maker repair a faulty HL-7 for free?']),
    (['420 grams'], 'The Hoshi Lantern HL-7 weighs 420 grams.',
     ['How much does the Hoshi Lantern HL-7 weigh?', 'What is the weight of the HL-7?', 'How heavy is the Hoshi Lantern?', 'HL-7 weight?'],
     ['Is the Hoshi Lantern HL-7 heavy to carry? What is its mass?', 'How many grams will the HL-7 add to my backpack?']),
    (['4 hours'], 'The Hoshi Lantern HL-7 charges over USB-C and is full in 4 hours.',
     ['How long does the Hoshi Lantern HL-7 take to charge?', 'What is the charging time of the HL-7?', 'How many hours until the Hoshi Lantern is fully charged?', 'HL-7 charge time?'],
     ['If I plug in an empty Hoshi Lantern HL-7, when will it be full?', 'How long must the HL-7 stay on the charger to fill up?']),
    (['ipx6'], 'The Hoshi Lantern HL-7 is rated IPX6, so it handles heavy rain.',
     ['Is the Hoshi Lantern HL-7 waterproof?', 'What is the water resistance rating of the HL-7?', 'What IP rating does the Hoshi Lantern have?', 'HL-7 waterproof rating?'],
     ['Can I use my Hoshi Lantern HL-7 in a storm? What is its rating against water?', 'How well is the HL-7 protected against water?']),
    (['moss green', 'slate grey'], 'The Hoshi Lantern HL-7 comes in moss green and slate grey.',
     ['What colours does the Hoshi Lantern HL-7 come in?', 'Which colors is the HL-7 available in?', 'What colour options does the Hoshi Lantern have?', 'HL-7 colours?'],
     ['Can I buy the Hoshi Lantern HL-7 in different colours? Which ones?', 'What are the color choices for the HL-7 lantern?']),
    (['750 lumens'], 'The Hoshi Lantern HL-7 reaches 750 lumens at its brightest.',
     ['How bright is the Hoshi Lantern HL-7?', 'What is the maximum brightness of the HL-7?', 'How many lumens does the Hoshi Lantern give?', 'HL-7 lumens?'],
     ['What is the light output of the Hoshi Lantern HL-7 on its highest setting?', 'At full power, how much light does the HL-7 produce?']),
    (['tanuki outdoor works'], 'The Hoshi Lantern HL-7 is made by Tanuki Outdoor Works.',
     ['Who makes the Hoshi Lantern HL-7?', 'Which company manufactures the HL-7?', 'Who is the maker of the Hoshi Lantern?', 'HL-7 manufacturer?'],
     ['What is the name of the company behind the Hoshi Lantern HL-7?', 'Which brand produces the HL-7 lantern?']),
    (['hoshi link'], 'The Hoshi Lantern HL-7 is controlled with the Hoshi Link app.',
     ['Which app controls the Hoshi Lantern HL-7?', 'What is the name of the HL-7 app?', 'What phone app works with the Hoshi Lantern?', 'HL-7 app name?'],
     ['What should I install on my phone to control the Hoshi Lantern HL-7?', 'Which smartphone application pairs with the HL-7?']),
    (['12 seconds'], 'To reset the Hoshi Lantern HL-7, hold the power button for 12 seconds.',
     ['How do I reset the Hoshi Lantern HL-7?', 'How can I factory reset the HL-7?', 'What is the reset procedure for the Hoshi Lantern?', 'HL-7 reset?'],
     ['My Hoshi Lantern HL-7 froze. How do I restore it to factory settings?', 'How long must I press the power button to reset the HL-7?']),
    (['45 days'], 'You can return the Hoshi Lantern HL-7 within 45 days of purchase.',
     ['What is the return policy for the Hoshi Lantern HL-7?', 'How long do I have to return the HL-7?', 'How many days is the Hoshi Lantern return window?', 'HL-7 return period?'],
     ['I do not like my Hoshi Lantern HL-7. Until when can I send it back?', 'What is the deadline to return an HL-7 after buying it?']),
    (['bp-20'], 'The replacement battery for the Hoshi Lantern HL-7 is model BP-20.',
     ['Which replacement battery does the Hoshi Lantern HL-7 use?', 'What is the battery model of the HL-7?', 'What spare battery fits the Hoshi Lantern?', 'HL-7 replacement battery?'],
     ['I need a new battery for my Hoshi Lantern HL-7. Which model should I order?', 'What part number is the spare battery for the HL-7?']),
    (['triple-click'], 'To switch the Hoshi Lantern HL-7 to red night mode, triple-click the power button.',
     ['How do I turn on red night mode on the Hoshi Lantern HL-7?', 'How do I get red light on the HL-7?', 'How is night mode enabled on the Hoshi Lantern?', 'HL-7 red mode?'],
     ['What do I press to make my Hoshi Lantern HL-7 glow red at night?', 'How can I switch the HL-7 to its red light for stargazing?']),
    (['2024'], 'The Hoshi Lantern HL-7 was released in 2024.',
     ['When was the Hoshi Lantern HL-7 released?', 'What year did the HL-7 come out?', 'When did the Hoshi Lantern launch?', 'HL-7 release year?'],
     ['In which year did the Hoshi Lantern HL-7 first go on sale?', 'How new is the HL-7? When was it launched?']),
    (['help@tanuki-outdoor.example'], 'You can reach Hoshi Lantern HL-7 support at help@tanuki-outdoor.example.',
     ['How do I contact support for the Hoshi Lantern HL-7?', 'What is the support email for the HL-7?', 'Where do I email about a Hoshi Lantern problem?', 'HL-7 support contact?'],
     ['My Hoshi Lantern HL-7 is broken. Which address should I write to?', 'Who do I email for help with the HL-7?']),
]

def make_knowledge():
    train, held = [], []
    for facts, ans, qs, hqs in FAQ:
        train += [{'input': q, 'output': ans, 'facts': facts} for q in qs]
        held += [{'input': q, 'output': ans, 'facts': facts} for q in hqs]
    random.Random(1).shuffle(train)
    return train, held

# ---------------------------------------------------------------- style (Japanese), hand-written
JA = [
    ('富士山の高さは？', '富士山の高さは3776メートルでござる。日本でいちばん高い山でござる。'),
    ('日本の首都はどこ？', '日本の首都は東京でござる。'),
    ('水は何度で沸騰する？', '水は1気圧で100度で沸騰するでござる。'),
    ('桜はいつ咲く？', '桜は多くの地域で3月から4月に咲くでござる。'),
    ('朝ごはんは大切？', '朝ごはんは一日の力のもとでござる。しっかり食べるのがよいでござる。'),
    ('よく眠るこつは？', '寝る前に画面を見ないことでござる。毎日同じ時刻に寝るとよいでござる。'),
    ('猫はなぜ喉を鳴らす？', '猫は安心しているときに喉を鳴らすことが多いでござる。'),
    ('虹はどうしてできる？', '虹は日光が雨粒で曲がり、色に分かれてできるでござる。'),
    ('月はなぜ形が変わる？', '月は太陽に照らされる部分の見え方が変わるので形が変わるでござる。'),
    ('おすすめの運動は？', '毎日の散歩がおすすめでござる。続けやすいのが大事でござる。'),
    ('お茶の入れ方は？', 'お湯を少し冷ましてから茶葉に注ぐでござる。一分ほど待つとよいでござる。'),
    ('地震のときはどうする？', 'まず机の下に入り、頭を守るでござる。揺れが止まってから外に出るでござる。'),
    ('英語を覚えるこつは？', '毎日少しずつ声に出して読むことでござる。'),
    ('光合成とは？', '光合成は植物が光を使って養分をつくるしくみでござる。'),
    ('なぜ海はしょっぱい？', '川が岩から溶かした塩分が海にたまったからでござる。'),
    ('恐竜はいつ絶滅した？', '恐竜はおよそ6600万年前に絶滅したでござる。'),
    ('図書館の良いところは？', '図書館では本を無料で借りられるでござる。静かに勉強もできるでござる。'),
    ('リサイクルはなぜ大事？', 'リサイクルは資源を節約し、ごみを減らすからでござる。'),
    ('自転車に乗るときの注意は？', 'ヘルメットをかぶり、左側を走るでござる。'),
    ('手洗いはなぜ必要？', '手洗いは病気のもとになる菌を落とすからでござる。'),
    ('雷が鳴ったらどうする？', '建物の中に入るのがいちばん安全でござる。'),
    ('ミツバチの役割は？', 'ミツバチは花粉を運び、植物が実をつけるのを助けるでござる。'),
    ('パンはなぜふくらむ？', '酵母がガスを出して生地をふくらませるからでござる。'),
    ('時間を上手に使うには？', 'やることを書き出し、大事な順に片づけるでござる。'),
    ('貯金のこつは？', '給料が入ったら先に一定額を分けておくでござる。'),
    ('チェスの基本は？', '中央を取り、駒を早く動かすことでござる。'),
    ('水をどれくらい飲むべき？', '一日にこまめに水を飲むのがよいでござる。量は体格や運動量で変わるでござる。'),
    ('面接で大事なことは？', 'はっきり話し、相手の目を見ることでござる。'),
    ('火山はなぜ噴火する？', '地下のマグマが圧力で押し上げられるからでござる。'),
    ('ペンギンは飛べる？', 'ペンギンは空を飛べないでござる。そのかわり泳ぎが得意でござる。'),
    ('植物を元気に育てるには？', '日当たりと水やりの量に気をつけるでござる。'),
    ('秋に葉が赤くなるのはなぜ？', '寒くなると緑の色素が減り、赤い色素が目立つからでござる。'),
    ('電池のしくみは？', '電池は化学反応で電気を生み出すでござる。'),
    ('インターネットとは？', 'インターネットは世界中のコンピュータをつなぐ網でござる。'),
    ('良いパスワードとは？', '長くて推測されにくいものでござる。使い回さないことも大事でござる。'),
    ('ピラミッドは何のため？', 'ピラミッドは古代エジプトの王の墓でござる。'),
    ('心臓の働きは？', '心臓は全身に血液を送り出すポンプでござる。'),
    ('折り紙の楽しみは？', '一枚の紙からいろいろな形を作れることでござる。'),
    ('山登りの準備は？', '天気を調べ、水と雨具を持っていくでござる。'),
    ('読書の良いところは？', '読書は知識を増やし、考える力を育てるでござる。'),
]
N_JA_HELDOUT = 8

def make_style_ja():
    recs = [{'input': q, 'output': a, 'plain': a.replace('でござる', 'です')} for q, a in JA]
    return recs[:-N_JA_HELDOUT], recs[-N_JA_HELDOUT:]

def preference_from_style(recs):
    "Pairs that prefer the styled answer over the plain one with the same content."
    return [{'prompt': r['input'], 'chosen': r['output'], 'rejected': r['plain']} for r in recs]

# ---------------------------------------------------------------- writing
def write_jsonl(path: Path, recs, overwrite: bool):
    if path.exists() and not overwrite:
        print(f'{path} exists: kept (pass --overwrite to regenerate)'); return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + '.tmp')
    tmp.write_text(''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in recs), encoding='utf-8')
    os.replace(tmp, path)
    print(f'{path}: {len(recs)} records')

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--no-model', action='store_true', help='skip the sets that need the default model (style, preference)')
    ap.add_argument('--overwrite', action='store_true', help='replace existing files')
    a = ap.parse_args(argv)
    for name, (tr, he) in {'knowledge': make_knowledge(), 'style_ja': make_style_ja()}.items():
        write_jsonl(HERE/name/'train.jsonl', tr, a.overwrite); write_jsonl(HERE/name/'heldout.jsonl', he, a.overwrite)
    if not a.no_model:
        tr, he = make_style()
        write_jsonl(HERE/'style'/'train.jsonl', tr, a.overwrite); write_jsonl(HERE/'style'/'heldout.jsonl', he, a.overwrite)
        write_jsonl(HERE/'preference'/'train.jsonl', preference_from_style(tr), a.overwrite)
        write_jsonl(HERE/'preference'/'heldout.jsonl', preference_from_style(he), a.overwrite)

if __name__ == '__main__': main()
