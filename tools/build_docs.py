#!/usr/bin/env python
"""Build the documentation site from the notebooks, with or without network.

    python tools/build_docs.py            # quarto on PATH: `nbdev_docs` (the nbdev site); otherwise the offline site
    python tools/build_docs.py --offline  # always the offline site
    python tools/build_docs.py --check    # build the offline site into a temporary folder and check its links
    python tools/check_docs_browser.py    # the offline site checked in headless Chromium (images, links, JS errors, outputs)

Both sites start from the same step: nbdev's own notebook processing (`nbdev.serve.proc_nbs`: hidden cells dropped,
`show_doc` API entries rendered, directives read), which writes `_proc/`. `nbdev_docs` then hands `_proc/` to Quarto.
Quarto is not on PyPI as a binary: the `quarto-cli` package downloads it from GitHub when installed, so a machine
that reaches only the package registries cannot run `nbdev_docs`. The offline site renders `_proc/` itself
(markdown-it-py for markdown, Pygments for code), one self-contained HTML page per notebook with the same file
names as the Quarto site, so the `show_doc` links that point at the hosted site resolve locally too.
"""
import argparse, html, json, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colab_badges import settings   # settings.ini as a dict (tools/colab_badges.py)

def process(n_workers=0):
    "nbdev's processing of every notebook into `_proc/` (cached by nbdev: only changed notebooks are redone)."
    import os
    os.chdir(ROOT)                       # nbdev finds settings.ini from the working folder
    from nbdev.serve import proc_nbs
    return Path(proc_nbs(n_workers=n_workers))

def frontmatter(nb):
    "Title, description and output file from the raw YAML cell nbdev puts first."
    import yaml
    c = nb['cells'][0] if nb['cells'] else None
    if not c or c['cell_type'] != 'raw': return {}
    return yaml.safe_load(''.join(c['source']).strip().strip('-')) or {}

def _md():
    from markdown_it import MarkdownIt
    md = MarkdownIt('commonmark', {'html': True}).enable('table').enable('strikethrough')
    def image(self, tokens, idx, options, env):      # offline: a remote image (a badge) becomes its alt text
        t = tokens[idx]; src = t.attrGet('src') or ''
        alt = ''.join(c.content for c in (t.children or []))
        if src.startswith(('http://', 'https://')): return f'<span class="badge">{html.escape(alt)}</span>'
        return self.image(tokens, idx, options, env)
    md.add_render_rule('image', image)
    return md

def highlight(code):
    from pygments import highlight as hl
    from pygments.lexers import PythonLexer
    from pygments.formatters import HtmlFormatter
    return hl(code, PythonLexer(), HtmlFormatter(nowrap=True))

CSS = """body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans JP',sans-serif;color:#222}
nav{position:fixed;top:0;bottom:0;left:0;width:250px;overflow:auto;background:#f6f7f9;border-right:1px solid #ddd;padding:1em;box-sizing:border-box;font-size:14px}
nav a{display:block;padding:.2em 0;color:#245;text-decoration:none}nav a.here{font-weight:bold}nav .site{font-size:18px;font-weight:bold;margin-bottom:.6em}
main{margin-left:250px;padding:1em 3em;max-width:60em}h1{margin-bottom:.2em}.description{color:#555;font-size:1.1em;margin-top:0}
pre{background:#f4f4f4;padding:.7em;overflow:auto;border-radius:4px;font-size:14px}code{font-size:92%}pre.out{background:#fff;border-left:3px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em}.badge{font-size:12px;border:1px solid #999;border-radius:3px;padding:0 .4em;color:#555}
.k,.kn,.kd{color:#008000;font-weight:bold}.s,.s1,.s2,.sa{color:#ba2121}.c1,.c{color:#3d7b7b;font-style:italic}.mi,.mf{color:#666}.nf,.nc{color:#0000ff}.o,.ow{color:#666}
@media(max-width:800px){nav{position:static;width:auto;border:0}main{margin:0;padding:1em}}"""

def _fix_md(src, s):
    src = re.sub(r'(\]\([^)]*\))\{[^}\n]*\}', r'\1', src)           # Quarto link attributes: {target="_blank" ...}
    host = (s.get('doc_host', '') + s.get('doc_baseurl', '')).rstrip('/') + '/'
    if host != '/': src = src.replace(host, '')                        # show_doc links to the hosted site -> this site
    return src

def _links(text, pages, lang:str='en'):
    "Links to notebooks (nbs/x.ipynb, nbs_ja/x.ipynb, x.ipynb) become links to their pages, in the other edition's folder where they name it."
    def sub(m):
        target, frag = m.group(2), m.group(3) or ''
        name = Path(target).stem
        if name not in pages: return m.group(0)
        to = 'ja' if 'nbs_ja/' in target else 'en' if 'nbs/' in target else lang
        pre = '' if to == lang else ('ja/' if to == 'ja' else '../')
        return f'{m.group(1)}{pre}{pages[name]}{frag}"'
    return re.sub(r'(href=")((?:\.\./)?(?:nbs(?:_ja)?/)?[\w.-]+\.ipynb)(#[^"]*)?"', sub, text)

def _anchors(text):
    "Ids on headings, as Quarto gives them (`### get_profile` -> id get_profile), so show_doc's links land on the entry."
    def sub(m):
        plain = re.sub(r'<[^>]+>', '', m.group(3))
        slug = re.sub(r'[^\w.-]+', '-', html.unescape(plain).strip().lower()).strip('-')
        return f'<h{m.group(1)}{m.group(2)} id="{slug}">{m.group(3)}</h{m.group(1)}>'
    return re.sub(r'<h([1-4])((?:\s+(?!id=)[^>]*)?)>(.*?)</h\1>', sub, text)

def directives(src):
    "The `#| name: value` lines of a code cell's source, as {name: value}."
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'^#\|\s*([\w-]+):?[ \t]*(.*)$', src, re.M)}

IMAGES = ('image/png', 'image/jpeg', 'image/gif')
ANSI = re.compile(r'\x1b\[[0-9;]*m')

def _pre(text): return f'<pre class="out">{html.escape(ANSI.sub("", "".join(text)))}</pre>'

def render_output(o, md, s):
    "One stored output as (kind, HTML): stdout, stderr, error, markdown or display (images, HTML, text); kind None if not shown."
    kind, d = o.get('output_type'), o.get('data', {})
    if kind == 'stream': return o.get('name', 'stdout'), _pre(o['text'])
    if kind == 'error': return 'error', _pre('\n'.join(o.get('traceback', [])))
    if 'text/markdown' in d: return 'markdown', md.render(_fix_md(''.join(d['text/markdown']), s))
    if 'text/html' in d: return 'display', ''.join(d['text/html'])
    for m in IMAGES:
        if m in d: return 'display', f'<img alt="plot" src="data:{m};base64,{"".join(d[m]).strip()}">'
    if 'image/svg+xml' in d: return 'display', ''.join(d['image/svg+xml'])
    if 'text/plain' in d: return 'display', _pre(d['text/plain'])
    return None, ''

def render_cell(c, md, s):
    """A cell as HTML. Outputs go in `cell-output` divs, as Quarto marks them (tools/check_docs_browser.py counts these), except
    `output: asis` ones (show_doc's API entries), which are part of the page's text, as in Quarto."""
    src = ''.join(c['source'])
    if c['cell_type'] == 'markdown': return md.render(_fix_md(src, s))
    if c['cell_type'] != 'code': return ''
    dirs = directives(src)
    if 'hide' in dirs or dirs.get('include') == 'false': return ''
    code = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip()
    out = [] if dirs.get('echo') == 'false' or not code else [f'<pre class="code"><code>{highlight(code)}</code></pre>']
    outs = [] if dirs.get('output') == 'false' else [render_output(o, md, s) for o in c.get('outputs', [])]
    if dirs.get('output') == 'asis': return '\n'.join(out + [h for k, h in outs])
    return '\n'.join(out + [f'<div class="cell-output cell-output-{k}">{h}</div>' for k, h in outs if k])

def page_file(p, fm):
    "The page a processed notebook `p` becomes: the output file its front matter names, else its own name."
    return fm.get('output-file') or f'{p.stem}.html'

def build_offline(proc, out, lang:str='en', other:bool=False):
    "Render every processed notebook in `proc` into `out`; returns {page file: title}. `other`: link each page to the other edition's (ja/ below the English site, ../ above the Japanese)."
    s = settings(); md = _md()
    nbs = sorted(proc.glob('*.ipynb'), key=lambda p: (p.stem != 'index', p.stem))
    docs = [(p, json.loads(p.read_text())) for p in nbs]
    metas = [(p, nb, frontmatter(nb)) for p, nb in docs]
    pages = {p.stem: page_file(p, fm) for p, nb, fm in metas}
    out.mkdir(parents=True, exist_ok=True)
    titles = {}
    for p, nb, fm in metas:
        page = pages[p.stem]; title = fm.get('title', p.stem); titles[page] = title
        side = ''.join(f'<a href="{pages[q.stem]}"{" class=here" if q == p else ""}>{html.escape(f.get("title", q.stem))}</a>'
                       for q, _, f in metas)
        switch = (f'<p><a class="lang" href="ja/{page}">日本語</a></p>' if lang == 'en' else f'<p><a class="lang" href="../{page}">English</a></p>') if other else ''
        if lang == 'ja' and p.stem == 'glossary': switch = ''   # the glossary has no English page
        body = _anchors('\n'.join(render_cell(c, md, s) for c in nb['cells'][1:]))
        desc = f'<p class="description">{html.escape(fm["description"])}</p>' if fm.get('description') else ''
        doc = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
               f'<title>{html.escape(title)} – {html.escape(s["title"])}</title><style>{CSS}</style></head><body>'
               f'<nav><a class="site" href="{pages.get("index", "index.html")}">{html.escape(s["title"])}</a>{switch}{side}'
               f'<p><a href="{s["git_url"]}">source on GitHub</a></p></nav>'
               f'<main><h1>{html.escape(title)}</h1>{desc}{_links(body, pages, lang)}</main></body></html>')
        (out/page).write_text(doc)
    return titles

def japanese(proc) -> Path|None:
    """The processed notebooks with their Japanese prose (nbs/ja, tools/i18n.py): each markdown cell by its id, the title and description
    from the translated title cell, plus the glossary as a page; a folder build_offline renders as the Japanese site (None: no catalogues)."""
    import yaml
    import i18n
    if not any(i18n.load_cat(n) is not None for n in i18n.notebooks()): return None
    dst = Path(tempfile.mkdtemp())/'proc_ja'; dst.mkdir(parents=True)
    for p in proc.glob('*.ipynb'):
        cat = i18n.load_cat(p.stem)
        if cat is None: continue
        nb = json.loads(p.read_text())
        for c in nb['cells']:
            if c['cell_type'] != 'markdown': continue
            g = i18n.generated(c.get('id', ''))
            ja = g if g is not None else (cat.get(c.get('id')) or {}).get('ja')
            if ja: c['source'] = ja.splitlines(keepends=True)
        first = next(c for c in i18n.load_nb(p.stem)['cells'] if c['cell_type'] == 'markdown')
        head = (cat.get(first['id']) or {}).get('ja', '')
        t = re.search(r'^# (.+)$', head, re.M); d = re.search(r'^> (.+)$', head, re.M)
        fm = frontmatter(nb)
        if t: fm['title'] = t.group(1).strip()
        if d: fm['description'] = d.group(1).strip()
        if nb['cells'] and nb['cells'][0]['cell_type'] == 'raw':
            nb['cells'][0]['source'] = ('---\n' + yaml.safe_dump(fm, allow_unicode=True) + '---').splitlines(keepends=True)
        (dst/p.name).write_text(json.dumps(nb, ensure_ascii=False))
    g = i18n.glossary_md().split('\n', 2)[2]   # the glossary page, without its heading line
    (dst/'glossary.ipynb').write_text(json.dumps({'cells': [{'cell_type': 'raw', 'metadata': {}, 'source': ['---\ntitle: 用語集（Glossary）\noutput-file: glossary.html\n---']},
                                                            {'cell_type': 'markdown', 'metadata': {}, 'source': [g]}], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}, ensure_ascii=False))
    return dst

def build_site(proc, out) -> dict:
    "The offline site in `out`: the English pages, and the Japanese edition under ja/ where nbs/ja has translations; {page file: title}."
    ja = japanese(proc)
    titles = build_offline(proc, out, other=ja is not None)
    if ja is not None: titles.update({f'ja/{k}': v for k, v in build_offline(ja, out/'ja', 'ja', other=True).items()})
    return titles

def check_site(out):
    "Problems in a built site: links to local files that are not there, and anything a page would fetch from the network."
    probs = []
    for page in sorted(out.rglob('*.html')):
        text = page.read_text()
        for tag, attr, url in re.findall(r'<(\w+)[^>]*?\s(href|src)="([^"]*)"', text):
            if url.startswith(('http://', 'https://', 'mailto:')):
                if tag != 'a': probs.append(f'{page.name}: <{tag} {attr}="{url}"> needs the network')
                continue
            if url.startswith(('#', 'data:')): continue
            if not (page.parent/url.split('#')[0]).exists(): probs.append(f'{page.relative_to(out)}: link to {url}, which is not in the site')
    return probs

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--offline', action='store_true', help='build the offline site even where quarto is installed')
    ap.add_argument('--check', action='store_true', help='build the offline site into a temporary folder and check its links')
    ap.add_argument('--out', type=Path, help='where the offline site goes (default: doc_path in settings.ini, _docs/)')
    ap.add_argument('--workers', type=int, default=0, help='processes for nbdev\'s notebook processing (0: in this process)')
    a = ap.parse_args(argv)
    if not (a.offline or a.check) and shutil.which('quarto'):
        return subprocess.run(['nbdev_docs', '--n_workers', str(a.workers)], cwd=ROOT).returncode
    proc = process(a.workers)
    out = Path(tempfile.mkdtemp())/'site' if a.check else (a.out or ROOT/settings().get('doc_path', '_docs'))
    if out.exists() and not a.check:
        if not (out/'index.html').exists() and any(out.iterdir()):
            sys.exit(f'{out} exists and does not look like a built site (no index.html): move it or pass --out')
        shutil.rmtree(out)
    titles = build_site(proc, out)
    probs = check_site(out)
    print(f'{len(titles)} pages in {out}' + (' (offline: quarto is not installed)' if not shutil.which('quarto') else ''))
    for p in probs: print('  ' + p)
    return 1 if probs else 0

if __name__ == '__main__': sys.exit(main())
