#!/usr/bin/env python
"""Check the documentation site in a real headless browser: every page is opened in Chromium and must have no broken image,
no broken link, no JavaScript error, and (a page made from a notebook) at least one cell output on show.

    python tools/check_docs_browser.py                # build the offline site into a temporary folder (tools/build_docs.py) and check it
    python tools/check_docs_browser.py --site _docs   # check a site that is already built
    python tools/check_docs_browser.py --self-test    # prove that each check fails when it should, on a tiny fake site

Needs the system Chromium and playwright's Python driver (tested: Chromium 156, playwright 1.65). Playwright drives the system
browser (`executable_path`), so `playwright install`, which downloads a browser from the internet, is never needed:

    apt-get install -y chromium                       # Debian's package; or pass --browser PATH
    pip install 'playwright>=1.40,<2'

Pages are opened as file:// URLs, one after the other in one browser. What counts as a problem, per page:
- a broken image: an <img> whose naturalWidth is 0 once the page has loaded, or any request for the page that fails;
- a broken link: a local href whose file is not in the site, or whose #anchor names no element (id or name) on the target page.
  External http(s) links are only counted and listed with -v: this machine has no internet, so they are not fetched, and a
  request the page itself makes to the network is blocked and reported (an offline site must be self-contained);
- a JavaScript error: an uncaught exception (pageerror) or a console.error message;
- no outputs: the page shows no cell output (build_docs.py wraps each one in a `cell-output` div, as Quarto does). Every page of
  the site comes from a notebook in nbs/ and every one of them, index included, stores outputs, so none is exempt (--no-outputs-ok
  PAGE exempts one) but the Japanese edition's glossary (ja/glossary.html, from nbs/ja/glossary.yml). The Japanese pages (ja/,
  built from the same notebooks and the translations in nbs/ja) are checked like the English ones. When the script builds the site itself it also knows how many outputs each processed notebook holds, and a
  page that shows fewer is a problem too (an output kind the site does not render).
Exit status: 0 when no page has a problem, 1 otherwise.
"""
import argparse, json, re, shutil, sys, tempfile, time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_docs   # the offline site: nbdev's processing, then one page per notebook (tools/build_docs.py)

OUTPUT = '.cell-output'   # how build_docs.py (and Quarto) mark a cell's output

PAGE_JS = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 10000); })));
  const names = [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('[name]')].map(e => e.getAttribute('name')));
  return {
    images: imgs.map(i => ({src: i.getAttribute('src') || '', url: i.currentSrc || i.src, width: i.naturalWidth})),
    links: [...document.querySelectorAll('a[href], area[href]')].map(a => ({href: a.getAttribute('href'), url: a.href})),
    anchors: names, outputs: document.querySelectorAll(%r).length};
}""" % OUTPUT

def short(url, n=100):
    "A URL cut to `n` characters (data: URLs are long)."
    return url if len(url) <= n else url[:n - 3] + '...'

def launch(p, browser=None):
    "Headless Chromium from the system (playwright's own browsers are not installed)."
    exe = browser or shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not exe: sys.exit('no Chromium found: apt-get install -y chromium (or pass --browser PATH)')
    return p.chromium.launch(executable_path=exe, args=['--disable-gpu', '--no-first-run', '--renderer-process-limit=2'])

def visit(context, page_path, timeout_s=30):
    "Open one page; returns what the browser saw: images, links, anchors, outputs, JavaScript errors, failed and network requests."
    seen = {'errors': [], 'failed': [], 'network': []}
    page = context.new_page()
    def route(r):
        seen['network'].append(r.request.url); r.abort('internetdisconnected')
    page.route(re.compile(r'^(https?|wss?)://'), route)   # nothing leaves the machine: file:// pages must not fetch from the network
    page.on('pageerror', lambda e: seen['errors'].append(f'uncaught {e.name or "error"}: {e.message}'))
    page.on('console', lambda m: m.type == 'error' and not m.text.startswith('Failed to load resource')
            and seen['errors'].append(f'console.error: {m.text}'))   # failed loads are reported from requestfailed
    page.on('requestfailed', lambda r: r.url not in seen['network'] and seen['failed'].append((r.url, r.failure or 'failed')))
    page.on('response', lambda r: r.status >= 400 and seen['failed'].append((r.url, f'HTTP {r.status}')))
    try:
        page.goto(page_path.resolve().as_uri(), wait_until='load', timeout=timeout_s * 1000)
        seen.update(page.evaluate(PAGE_JS))
    except Exception as e:   # a page that does not load is itself the problem
        seen.update(images=[], links=[], anchors=[], outputs=0); seen['errors'].append(f'page did not load: {e}')
    page.close()
    return seen

def local_target(url, site):
    "The file a file:// link points at, and its fragment; None for links that leave the site (http, mailto, ...)."
    base, frag = urldefrag(url)
    u = urlparse(base)
    if u.scheme != 'file': return None
    f = Path(unquote(u.path))
    if f.is_dir(): f = f/'index.html'
    return f, unquote(frag)

def page_problems(name, seen, results, site, min_outputs, external):
    "The problems of one visited page, as `page: what: detail` lines; external links are added to `external`."
    probs = [f'{name}: JavaScript error: {e}' for e in seen['errors']]
    broken = [i for i in seen['images'] if i['width'] == 0]
    probs += [f'{name}: broken image: {short(i["src"])} (naturalWidth 0)' for i in broken]
    bad = {i['url'] for i in broken}
    probs += [f'{name}: failed request: {short(u)} ({why})' for u, why in seen['failed'] if u not in bad]
    probs += [f'{name}: needs the network: {short(u)} (requested by the page; blocked, no internet here)' for u in seen['network'] if u not in bad]
    checked = 0
    for link in seen['links']:
        href, t = link['href'], local_target(link['url'], site)
        if t is None:
            if urlparse(link['url']).scheme in ('http', 'https'): external.add(link['url'])
            continue
        checked += 1; f, frag = t
        if not f.exists(): probs.append(f'{name}: broken link: {href} (no file {f.relative_to(site) if f.is_relative_to(site) else f})'); continue
        if not frag or frag == 'top': continue
        target = results.get(f.resolve())
        if target is None and f.suffix in ('.html', '.htm'): probs.append(f'{name}: broken link: {href} (target page was not checked)')
        elif target is not None and frag not in target['anchors']:
            probs.append(f'{name}: broken link: {href} (no element with id or name "{frag}" on {f.name})')
    if min_outputs and not seen['outputs']: probs.append(f'{name}: no cell outputs shown')
    elif seen['outputs'] < min_outputs: probs.append(f'{name}: shows {seen["outputs"]} of the {min_outputs} outputs its notebook stores')
    return probs, checked

def check(site, expected=None, no_outputs_ok=(), browser=None, verbose=False):
    "Check every HTML page of `site`; `expected` maps page file to its notebook's output count. Returns (problems, table rows)."
    from playwright.sync_api import sync_playwright
    site = Path(site).resolve(); expected = expected or {}
    pages = sorted(site.rglob('*.html'))
    if not pages: return [f'{site}: no HTML pages'], []
    with sync_playwright() as p:
        b = launch(p, browser); context = b.new_context(java_script_enabled=True)
        results = {f: visit(context, f) for f in pages}
        b.close()
    probs, rows, external = [], [], set()
    for f, seen in results.items():
        name = str(f.relative_to(site))
        need = 0 if name in no_outputs_ok else max(1, expected.get(name, 1))
        ps, checked = page_problems(name, seen, results, site, need, external)
        probs += ps; rows.append((name, len(seen['images']), checked, seen['outputs'], len(ps)))
    if verbose: print(f'{len(external)} external links (listed, not fetched):', *sorted(external), sep='\n  ')
    return probs, rows

def stored_outputs(proc):
    "{page file: outputs a reader should see} for each processed notebook: every output of a shown code cell but show_doc's."
    counts = {}
    for p in sorted(Path(proc).glob('*.ipynb')):
        nb = json.loads(p.read_text()); n = 0
        for c in nb['cells']:
            d = build_docs.directives(''.join(c['source'])) if c['cell_type'] == 'code' else {}
            if c['cell_type'] != 'code' or 'hide' in d or d.get('include') == 'false' or d.get('output') in ('asis', 'false'): continue
            n += len(c.get('outputs', []))
        counts[build_docs.page_file(p, build_docs.frontmatter(nb))] = n
    return counts

def table(rows):
    "The summary table: page, images, local links checked, outputs shown, problems."
    w = max([len('page')] + [len(r[0]) for r in rows])
    lines = [f'{"page":<{w}}  images  links checked  outputs shown  problems']
    lines += [f'{n:<{w}}  {i:>6}  {lc:>13}  {o:>13}  {pr:>8}' for n, i, lc, o, pr in rows]
    return '\n'.join(lines)

def report(probs, rows, t0):
    "Print the problems, the table and the summary line; the exit status."
    for pr in probs: print('  ' + pr)
    print(table(rows))
    print(f'{len(rows)} pages checked, {len(probs)} problems found ({time.time() - t0:.0f} s)')
    return 1 if probs else 0

PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

def fake_nb(title, cells):
    "A processed notebook as nbdev writes it: front matter first, then `cells` ((markdown text) or (code, outputs))."
    fm = {'cell_type': 'raw', 'metadata': {}, 'source': [f'---\ntitle: {title}\noutput-file: {title}.html\n---\n']}
    def cell(c):
        if isinstance(c, str): return {'cell_type': 'markdown', 'metadata': {}, 'source': [c]}
        return {'cell_type': 'code', 'metadata': {}, 'source': [c[0]], 'outputs': c[1], 'execution_count': 1}
    return {'cells': [fm] + [cell(c) for c in cells], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}

def self_test(browser=None):
    "Build a tiny site with build_docs.build_offline, one fault a page, and assert that the check finds each fault and nothing else."
    printed = ('print(1)', [{'output_type': 'stream', 'name': 'stdout', 'text': '1\n'}])
    plot = ('plot()', [{'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': PNG, 'text/plain': '<Figure>'}}])
    nbs = {'index': ['## Start\n\n[good](good.ipynb#ok) [external](https://example.com/)', printed],
           'good': ['## OK', printed, plot, '[back](index.html) [top](#ok)'],
           'broken_image': ['<img src="missing.png" alt="x">', printed],
           'broken_link': ['[gone](nope.html) [no anchor](good.html#nowhere)', printed],
           'script_error': ['<script>undefined_function()</script>\n\n<script>console.error("boom")</script>', printed],
           'no_outputs': [('x = 1', [])]}
    expect = {'index.html': set(), 'good.html': set(), 'broken_image.html': {'broken image'},
              'broken_link.html': {'broken link: nope.html', 'broken link: good.html#nowhere'},
              'script_error.html': {'JavaScript error: uncaught', 'JavaScript error: console.error'},
              'no_outputs.html': {'no cell outputs'}}
    with tempfile.TemporaryDirectory() as tmp:
        proc, site = Path(tmp)/'_proc', Path(tmp)/'site'; proc.mkdir()
        for name, cells in nbs.items(): (proc/f'{name}.ipynb').write_text(json.dumps(fake_nb(name, cells)))
        build_docs.build_offline(proc, site)
        probs, rows = check(site, stored_outputs(proc), browser=browser)
    fails = []
    for page, want in expect.items():
        got = [pr.split(': ', 1)[1] for pr in probs if pr.startswith(page + ':')]
        missed = [w for w in want if not any(g.startswith(w) for g in got)]
        extra = [g for g in got if not any(g.startswith(w) for w in want)]
        fails += [f'{page}: not reported: {w}' for w in missed] + [f'{page}: reported but not planted: {g}' for g in extra]
        print(f'  {"ok  " if not missed and not extra else "FAIL"} {page:<18} {"; ".join(got) or "no problems (as planted)"}')
    for f in fails: print('  ' + f)
    print(table(rows))
    print(f'self-test: {"passed" if not fails else "FAILED"}: {len(probs)} planted problems reported on {len(rows)} pages, {len(fails)} mismatches')
    return 1 if fails else 0

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--site', type=Path, help='check this built site instead of building the offline site into a temporary folder')
    ap.add_argument('--self-test', action='store_true', help='prove each check fails when it should, on a tiny fake site')
    ap.add_argument('--no-outputs-ok', action='append', default=[], metavar='PAGE', help='a page that may show no cell outputs')
    ap.add_argument('--browser', help='the Chromium executable (default: chromium on PATH)')
    ap.add_argument('--workers', type=int, default=0, help="processes for nbdev's notebook processing (0: in this process)")
    ap.add_argument('-v', '--verbose', action='store_true', help='list the external links (not fetched)')
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.self_test: return self_test(a.browser)
    if a.site:
        if not a.site.is_dir(): sys.exit(f'{a.site}: no such folder')
        return report(*check(a.site, None, a.no_outputs_ok, a.browser, a.verbose), t0)
    proc = build_docs.process(a.workers)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)/'site'
        titles = build_docs.build_site(proc, site)   # English, and the Japanese edition under ja/ (the same cells, so the same outputs)
        expected = stored_outputs(proc)
        expected.update({f'ja/{k}': v for k, v in expected.items() if f'ja/{k}' in titles})
        print(f'{len(titles)} pages built from {proc} in {time.time() - t0:.0f} s')
        return report(*check(site, expected, [*a.no_outputs_ok, 'ja/glossary.html'], a.browser, a.verbose), t0)

if __name__ == '__main__': sys.exit(main())
