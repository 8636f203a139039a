"""The Japanese edition: nbs_ja/NAME.ipynb is built from nbs/NAME.ipynb (its code cells and stored outputs, unchanged) and
nbs/ja/NAME.yml (the Japanese of each markdown cell). The English notebooks stay the one source of code.

    python tools/i18n.py status              # per notebook: markdown cells translated, missing, stale (English changed since)
    python tools/i18n.py skeleton NAME...    # add NAME's missing and stale cells to nbs/ja/NAME.yml, with the English to translate
    python tools/i18n.py build               # write nbs_ja/NAME.ipynb for every notebook that has a catalogue
    python tools/i18n.py check [--all]       # CI: exit 1 on a missing or stale cell of a catalogued notebook, a glossary term's
                                             # avoided form, or nbs_ja/ out of date; --all: also on a notebook without a catalogue

A catalogue maps each markdown cell id to `en` (the first 12 hex digits of the SHA-1 of the English it translates) and `ja`.
While a cell is untranslated, `skeleton` puts the English in `en_text` and `ja` is empty. nbs/ja/glossary.yml fixes the
Japanese of each term (用語集); `check` fails when a translation uses a form the glossary lists under `avoid`.
"""
import copy, hashlib, json, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS, CAT, OUT = ROOT/'nbs', ROOT/'nbs'/'ja', ROOT/'nbs_ja'
LANG_CELL = "#| hide\nimport os; os.environ['FTLAB_LANG'] = 'ja'   # plot labels and doctor fixes in Japanese (ftlab.core.lang)"

def generated(cid:str) -> str|None:
    "The Japanese of a cell that a tool writes (the course path, the supported-models table), rendered by that tool; None for a prose cell."
    if cid != 'c0a75e01' and not cid.startswith('f4m1'): return None
    if str(ROOT/'tools') not in sys.path: sys.path.insert(0, str(ROOT/'tools'))
    import course, families
    if cid == 'c0a75e01': return course.render_ja()
    return families.render('### 対応モデル' if cid != 'f4m1inde' else '## 対応モデル', 'ja')

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
    return 0

def cmd_skeleton(names):
    CAT.mkdir(exist_ok=True)
    for name in names:
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
