"""The Japanese edition: nbs_ja/NAME.ipynb is built from nbs/NAME.ipynb (its code cells and stored outputs, unchanged) and
nbs/ja/NAME.yml (the Japanese of each markdown cell). The English notebooks stay the one source of code.

    python tools/i18n.py status              # per notebook: markdown cells translated, missing, stale (English changed since)
    python tools/i18n.py skeleton NAME...    # add NAME's missing and stale cells to nbs/ja/NAME.yml, with the English to translate
    python tools/i18n.py build               # write nbs_ja/NAME.ipynb for every notebook that has a catalogue
    python tools/i18n.py check [--all]       # CI: exit 1 on a missing or stale cell of a catalogued notebook, a glossary term's
                                             # avoided form, or nbs_ja/ out of date; --all: also on a notebook without a catalogue
    python tools/i18n.py skeleton exercises  # add the exercises' new messages to ftlab/exercises_ja.json (Japanese empty), drop gone ones

A catalogue maps each markdown cell id to `en` (the first 12 hex digits of the SHA-1 of the English it translates) and `ja`.
While a cell is untranslated, `skeleton` puts the English in `en_text` and `ja` is empty. nbs/ja/glossary.yml fixes the
Japanese of each term (用語集); `check` fails when a translation uses a form the glossary lists under `avoid`.

The exercises' feedback (ftlab/exercises.py: forms, hints, praise) is translated in ftlab/exercises_ja.json, which ships with
the package: each message as it stands in the code, `{}` where a value goes, mapped to its Japanese (`{0}`, `{1}`... for the
values). `check` fails when a message the code can show has no Japanese, or an entry's message is gone from the code.
"""
import ast, copy, hashlib, json, re, string, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS, CAT, OUT = ROOT/'nbs', ROOT/'nbs'/'ja', ROOT/'nbs_ja'
LANG_CELL = "#| hide\nimport os; os.environ['FTLAB_LANG'] = 'ja'   # plot labels and doctor fixes in Japanese (ftlab.core.lang)"
JA_MODEL_MD = ('**Colab で日本語の書けるモデルを使う（任意）**：既定のモデル SmolLM2-135M はほぼ英語だけで学習したモデルで、日本語はうまく書けません。'
               'オンラインの Colab なら、次のセルで `USE_JA_MODEL = True` にすると、このノートブックの `load_model()` が `ftlab.models.JA_MODEL`（Qwen3-0.6B）を読みます。'
               'そのときの数字は保存された出力（SmolLM2 での実行）とは変わり、学習にも時間がかかります。SmolLM2 に合わせた確認（パラメタ数など）は合わなくなるものがあります。')
JA_MODEL_CELL = ("USE_JA_MODEL = False   # True: load_model() loads ftlab.models.JA_MODEL, a model that writes Japanese (online; Colab)\n"
                 "if USE_JA_MODEL:\n    import os\n    from ftlab.models import JA_MODEL\n    os.environ['FTLAB_MODEL'] = JA_MODEL")

def generated(cid:str) -> str|None:
    "The Japanese of a cell that a tool writes (the course path, the supported-models table), rendered by that tool; None for a prose cell."
    if cid != 'c0a75e01' and not cid.startswith('f4m1'): return None
    if str(ROOT/'tools') not in sys.path: sys.path.insert(0, str(ROOT/'tools'))
    import course, families
    if cid == 'c0a75e01': return course.render_ja()
    return families.render('### 対応モデル' if cid != 'f4m1inde' else '## 対応モデル', 'ja')

EXERCISES, EX_CAT = ROOT/'ftlab'/'exercises.py', ROOT/'ftlab'/'exercises_ja.json'

def _esc(s:str) -> str: return s.replace('{', '{{').replace('}', '}}')

def templates(node) -> list[str]:
    "The message templates an expression can make: its literal text with {} where a value goes; a value chosen between literals adds those."
    if isinstance(node, ast.Constant) and isinstance(node.value, str): return [_esc(node.value)]
    if isinstance(node, ast.IfExp): return templates(node.body) + templates(node.orelse)
    if not isinstance(node, ast.JoinedStr): return []   # a value made at run time (str(e)): shown as it is
    out, parts = '', []
    for v in node.values:
        if isinstance(v, ast.Constant): out += _esc(v.value)
        else: out += '{}'; parts += templates(v.value) if isinstance(v.value, ast.IfExp) else []
    return [out] + parts

def wording(t:str) -> bool:
    "Whether a template holds words to translate (not '', '{}' or a quoted key such as \"'rms_{}'\")."
    text = ''.join(lit for lit, *_ in string.Formatter().parse(t))
    return bool(re.search(r'[A-Za-z]{2,}', text)) and not re.fullmatch(r"'\w*'", t.replace('{}', ''))

def exercise_messages() -> dict:
    "Every message ftlab/exercises.py can show a student (the forms, `Wrong`'s feedback, `near`'s hints, the praise) -> its line."
    out = {}
    def add(node):
        for t in templates(node):
            if wording(t): out.setdefault(t, node.lineno)
    for n in ast.walk(ast.parse(EXERCISES.read_text(encoding='utf-8'))):
        if isinstance(n, ast.FunctionDef):
            for d in n.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, 'id', '') == 'exercise':
                    add(d.args[2]); [add(r.value) for r in ast.walk(n) if isinstance(r, ast.Return) and r.value]
            for a, d in zip(n.args.args[::-1], n.args.defaults[::-1]):
                if a.arg in ('what', 'hint'): add(d)
        elif isinstance(n, ast.Call) and (f := getattr(n.func, 'id', '')) in ('Wrong', 'near', '_num'):
            pos = {'Wrong': (0,), 'near': (3, 4), '_num': (1,)}[f]
            for i in pos:
                if i < len(n.args): add(n.args[i])
            for k in n.keywords:
                if k.arg in ('what', 'hint'): add(k.value)
    return out

def load_ex_cat() -> dict: return json.loads(EX_CAT.read_text(encoding='utf-8')) if EX_CAT.exists() else {}

def ex_problems() -> list[str]:
    "What is wrong with ftlab/exercises_ja.json against the code: a message without Japanese, a gone message, a value slot lost."
    msgs, cat, out = exercise_messages(), load_ex_cat(), []
    for t, line in msgs.items():
        ja = cat.get(t) or ''
        if not ja.strip(): out.append(f'ftlab/exercises.py:{line}: no Japanese for {t!r}'); continue
        n = sum(1 for _, f, *_ in string.Formatter().parse(t) if f is not None)
        used = sorted({int(f or 0) for _, f, *_ in string.Formatter().parse(ja) if f is not None})
        if used != list(range(n)): out.append(f'ftlab/exercises_ja.json: {t!r} has {n} values, its Japanese uses {used} (write {{0}}..{{{n - 1}}})')
    out += [f'ftlab/exercises_ja.json: {t!r} is no longer in ftlab/exercises.py' for t in cat if t not in msgs]
    out += [f'ftlab/exercises_ja.json: {t!r}: "{a}" (the glossary says {g["ja"]} for {g["en"]})'
            for t, ja in cat.items() for g in glossary() for a in g.get('avoid') or [] if a in ja]
    return out

def skeleton_exercises():
    msgs, cat = exercise_messages(), load_ex_cat()
    new = {t: cat.get(t, '') for t in sorted(msgs, key=msgs.get)}
    EX_CAT.write_text(json.dumps(new, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print(f'wrote ftlab/exercises_ja.json: {sum(1 for v in new.values() if not v)} messages to translate, {len(set(cat) - set(new))} gone')

def h(text:str) -> str: return hashlib.sha1(text.encode()).hexdigest()[:12]
def notebooks() -> list[str]: return sorted(p.stem for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))
def load_nb(name:str) -> dict: return json.loads((NBS/f'{name}.ipynb').read_text(encoding='utf-8'))
def md_cells(nb:dict) -> list[dict]: return [c for c in nb['cells'] if c['cell_type'] == 'markdown']

def load_cat(name:str) -> dict|None:
    p = CAT/f'{name}.yml'
    if not p.exists(): return None
    d = yaml.safe_load(p.read_text(encoding='utf-8')) or {}
    return d.get('cells') or {}

def save_cat(name:str, cells:dict):
    class Block(str): pass
    yaml.add_representer(Block, lambda d, s: d.represent_scalar('tag:yaml.org,2002:str', s, style='|'), Dumper=yaml.SafeDumper)
    out = {}
    for cid, e in cells.items():
        out[cid] = {k: (Block(v) if isinstance(v, str) and '\n' in v else v) for k, v in e.items()}
    head = f'# The Japanese of nbs/{name}.ipynb, per markdown cell id (tools/i18n.py). en: hash of the English translated.\n'
    (CAT/f'{name}.yml').write_text(head + yaml.safe_dump({'cells': out}, allow_unicode=True, sort_keys=False, width=10**6), encoding='utf-8')

def state(name:str) -> dict:
    "Cells of `name`: translated, missing (no Japanese), stale (the English changed since it was translated)."
    cat, nb = load_cat(name), load_nb(name)
    res = {'catalogued': cat is not None, 'translated': [], 'missing': [], 'stale': []}
    for c in md_cells(nb):
        e = (cat or {}).get(c['id'])
        src = ''.join(c['source'])
        if generated(c['id']) is not None: res['translated'].append(c['id']); continue
        if not e or not (e.get('ja') or '').strip(): res['missing'].append(c['id'])
        elif e.get('en') != h(src): res['stale'].append(c['id'])
        else: res['translated'].append(c['id'])
    return res

def glossary() -> list[dict]:
    p = CAT/'glossary.yml'
    return (yaml.safe_load(p.read_text(encoding='utf-8')) or {}).get('terms', []) if p.exists() else []

def avoided(name:str) -> list[str]:
    "Translations of `name` that use a form the glossary says to avoid."
    bad = []
    for cid, e in (load_cat(name) or {}).items():
        for t in glossary():
            for a in t.get('avoid') or []:
                if a in (e.get('ja') or ''): bad.append(f'{name} {cid}: "{a}" (the glossary says {t["ja"]} for {t["en"]})')
    return bad

def build_nb(name:str) -> str:
    nb, cat = load_nb(name), load_cat(name) or {}
    ja = copy.deepcopy(nb)
    for c in ja['cells']:
        if c['cell_type'] == 'markdown' and (g := generated(c['id'])) is not None: c['source'] = g.splitlines(keepends=True)
        elif c['cell_type'] == 'markdown' and (e := cat.get(c['id'])) and (e.get('ja') or '').strip():
            c['source'] = e['ja'].rstrip('\n').splitlines(keepends=True)
    colab = next((i for i, c in enumerate(ja['cells']) if 'colab-badge.svg' in ''.join(c['source'])), None)   # after the title and the Colab badge
    if colab is not None and any('load_model()' in ''.join(c['source']) for c in ja['cells'] if c['cell_type'] == 'code'):   # the option of a model that writes Japanese
        ja['cells'][colab + 1:colab + 1] = [{'cell_type': 'markdown', 'id': 'ja000001', 'metadata': {}, 'source': JA_MODEL_MD.splitlines(keepends=True)},
                                            {'cell_type': 'code', 'execution_count': None, 'id': 'ja000002', 'metadata': {}, 'outputs': [],
                                             'source': JA_MODEL_CELL.splitlines(keepends=True)}]
    first_code = next(i for i, c in enumerate(ja['cells']) if c['cell_type'] == 'code')
    ja['cells'].insert(first_code, {'cell_type': 'code', 'execution_count': None, 'id': 'ja000000', 'metadata': {}, 'outputs': [],
                                    'source': LANG_CELL.splitlines(keepends=True)})
    ja['metadata']['ftlab_i18n'] = {'lang': 'ja', 'source': f'nbs/{name}.ipynb',
                                    'note': 'built by tools/i18n.py from the English notebook and nbs/ja; edit those, not this file'}
    return json.dumps(ja, indent=1, ensure_ascii=False) + '\n'

def cmd_status(_):
    for name in notebooks():
        s = state(name)
        n = len(s['translated']) + len(s['missing']) + len(s['stale'])
        tag = '' if s['catalogued'] else '  (no catalogue)'
        print(f"{name:22s} {len(s['translated']):3d}/{n:<3d} translated, {len(s['missing'])} missing, {len(s['stale'])} stale{tag}")
    print(f"{'exercises':22s} {len(exercise_messages()):3d} messages, {len(ex_problems())} problems (ftlab/exercises_ja.json)")
    return 0

def cmd_skeleton(names):
    CAT.mkdir(exist_ok=True)
    for name in names:
        if name == 'exercises': skeleton_exercises(); continue
        nb, cat = load_nb(name), load_cat(name) or {}
        out = {}
        for c in md_cells(nb):
            if generated(c['id']) is not None: continue   # its tool writes the Japanese too
            src, e = ''.join(c['source']), cat.get(c['id']) or {}
            if e.get('en') == h(src) and (e.get('ja') or '').strip(): out[c['id']] = {'en': e['en'], 'ja': e['ja']}
            else: out[c['id']] = {'en': h(src), 'en_text': src, 'ja': e.get('ja') or ''}   # to translate (or re-check, if stale)
        save_cat(name, out)
        print(f'wrote nbs/ja/{name}.yml: {sum(1 for e in out.values() if "en_text" in e)} cells to translate')
    return 0

def glossary_md() -> str:
    rows = '\n'.join(f"| {t['en']} | {t['ja']} | {'、'.join(t.get('avoid') or []) or '-'} |" for t in glossary())
    return ('# 用語集（Glossary）\n\n日本語版のノートブックで使う訳語です。元記事の表記（パラメタ、ドライバなど）を優先し、'
            'ほかは日本の実務者が書く形にそろえています。`python tools/i18n.py check` は「避ける表記」を使った訳を見つけると失敗します。'
            f'このページは `nbs/ja/glossary.yml` から `tools/i18n.py build` が作ります。\n\n| English | 日本語 | 避ける表記 |\n|---|---|---|\n{rows}\n')

README_JA, MARK = ROOT/'README.ja.md', ('<!-- i18n:notebooks -->', '<!-- /i18n:notebooks -->')

def readme_ja() -> str|None:
    "README.ja.md with its list of Japanese notebooks brought up to date (None if the file is missing)."
    if not README_JA.exists(): return None
    text = README_JA.read_text(encoding='utf-8')
    done = [n for n in notebooks() if load_cat(n) is not None and not state(n)['missing']]
    left = [n for n in notebooks() if n not in done]
    body = '\n'.join(f'- [{n}](nbs_ja/{n}.ipynb)' for n in done) + ("\n\nまだ英語だけのノートブック：" + '、'.join(left) + '（[nbs/](nbs/)）。' if left else
                                                                  f"\n\n{len(done)} のノートブックすべてが日本語で読めます。")
    a, b = text.index(MARK[0]) + len(MARK[0]), text.index(MARK[1])
    return text[:a] + '\n' + body + '\n' + text[b:]

def cmd_build(_):
    OUT.mkdir(exist_ok=True)
    for name in notebooks():
        if load_cat(name) is not None: (OUT/f'{name}.ipynb').write_text(build_nb(name), encoding='utf-8')
    (OUT/'glossary.md').write_text(glossary_md(), encoding='utf-8')
    if (r := readme_ja()) is not None: README_JA.write_text(r, encoding='utf-8')
    print(f"built nbs_ja/: {', '.join(n for n in notebooks() if load_cat(n) is not None)}")
    return 0

def cmd_check(args):
    problems, untranslated = [], []
    for name in notebooks():
        s = state(name)
        if not s['catalogued']: untranslated.append(name); continue
        problems += [f'{name} {cid}: no Japanese' for cid in s['missing']] + [f'{name} {cid}: the English changed since it was translated' for cid in s['stale']]
        problems += avoided(name)
        p = OUT/f'{name}.ipynb'
        if not p.exists() or p.read_text(encoding='utf-8') != build_nb(name): problems.append(f'nbs_ja/{name}.ipynb is out of date: python tools/i18n.py build')
    if not (OUT/'glossary.md').exists() or (OUT/'glossary.md').read_text(encoding='utf-8') != glossary_md(): problems.append('nbs_ja/glossary.md is out of date: python tools/i18n.py build')
    if (r := readme_ja()) is not None and r != README_JA.read_text(encoding='utf-8'): problems.append('README.ja.md lists other notebooks: python tools/i18n.py build')
    built = {p.stem for p in OUT.glob('*.ipynb')} - {n for n in notebooks() if load_cat(n) is not None}
    problems += [f'nbs_ja/{n}.ipynb has no catalogue (nbs/ja/{n}.yml)' for n in sorted(built)]
    problems += ex_problems()
    if '--all' in args: problems += [f'{n}: no translation (python tools/i18n.py skeleton {n})' for n in untranslated]
    for p in problems: print(p)
    if untranslated and '--all' not in args: print(f"not yet translated ({len(untranslated)}): {' '.join(untranslated)}")
    if problems: print('Fix: translate or update the cells in nbs/ja/NAME.yml (python tools/i18n.py skeleton NAME), then python tools/i18n.py build')
    return 1 if problems else 0

def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cmds = {'status': cmd_status, 'skeleton': cmd_skeleton, 'build': cmd_build, 'check': cmd_check}
    if not argv or argv[0] not in cmds: print(__doc__); return 2
    return cmds[argv[0]](argv[1:])

if __name__ == '__main__': sys.exit(main())
