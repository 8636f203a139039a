"Docs and Colab: every notebook has the Colab badge (built from settings.ini) and the Colab-only install cell, and the index links every notebook."
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

def test_every_notebook_has_badge_and_install_cell():
    sys.path.insert(0, str(ROOT/'tools'))
    from colab_badges import settings
    s = settings()
    for p in NBS:
        cells = [''.join(c['source']) for c in json.loads(p.read_text())['cells']]
        url = f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s['branch']}/nbs/{p.name}"
        assert sum(url in c for c in cells) == 1, f'{p.name}: no (or more than one) Colab badge'
        install = [c for c in cells if c.startswith('# Colab: install ftlab')]
        assert len(install) == 1 and "if 'google.colab' in sys.modules:" in install[0], f'{p.name}: no guarded install cell'
        first_code = next(c for c in cells if not c.startswith('#| default_exp') and ('import' in c))
        assert first_code is install[0], f'{p.name}: the install cell must come before the first import'

def test_badge_script_is_idempotent():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'colab_badges.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_index_links_every_notebook():
    text = ''.join(''.join(c['source']) for c in json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells'])
    missing = [p.stem for p in NBS if p.stem != 'index' and f'](nbs/{p.name})' not in text]
    assert not missing, f'index.ipynb does not link {missing}'
    for planned in ('15_reft', '16_adapters', '17_rlhf'): assert f'[{planned}](nbs/{planned}.ipynb)' in text

def _import_only(src):
    "Only imports at the top level (a try/except around imports may set names to None where one fails)."
    import ast
    def ok(n):
        if isinstance(n, (ast.Import, ast.ImportFrom, ast.Pass)): return True
        if isinstance(n, ast.Assign): return isinstance(n.value, ast.Constant) and n.value.value is None
        if isinstance(n, ast.Try): return all(map(ok, n.body)) and all(ok(x) for h in n.handlers for x in h.body) and not n.orelse and not n.finalbody
        return False
    return all(ok(n) for n in ast.parse('\n'.join(l for l in src.split('\n') if not l.lstrip().startswith('%'))).body)

def test_docs_build_runs_no_notebook_code():
    "`nbdev_docs` (and tools/build_docs.py) execute every cell that holds an import, to render the API docs: such cells must hold imports only, or the docs build would train models (or fail on names it never defined)."
    import warnings
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval      # nbdev's own test for 'the docs build runs this cell'
    bad = []
    for p in NBS:
        for i, c in enumerate(NBProcessor(p).nb.cells):    # directives parsed (and removed from c.source) as nbdev does
            if c.cell_type != 'code' or c.source.startswith('# Colab: install ftlab') or 'show_doc(' in c.source: continue
            if c.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'}: continue
            with warnings.catch_warnings():
                warnings.simplefilter('ignore'); runs = _do_eval(c)
            if runs and not _import_only(c.source): bad.append(f'{p.name} cell {i}: {c.source[:80]!r}')
    assert not bad, 'move the imports into a cell of their own (nbdev FAQ):\n' + '\n'.join(bad)

def test_docs_check_finds_broken_links(tmp_path):
    sys.path.insert(0, str(ROOT/'tools'))
    from build_docs import check_site
    (tmp_path/'index.html').write_text('<a href="a.html">a</a><a href="https://x.org">x</a><img src="data:image/png;base64,AA">')
    (tmp_path/'a.html').write_text('<a href="gone.html#f">gone</a><script src="https://cdn.example/x.js"></script><a href="#top">top</a>')
    probs = sorted(check_site(tmp_path))
    assert probs == ['a.html: <script src="https://cdn.example/x.js"> needs the network', 'a.html: link to gone.html#f, which is not in the site'], probs

def test_stored_outputs_are_current():
    "Every notebook holds the outputs of a real run of its current code (tools/run_notebooks.py records a hash of the code cells)."
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'run_notebooks.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_run_notebooks_keeps_what_a_reader_learns_from():
    "Progress bars and widget views are dropped from stored outputs; printed results, tables and figures stay; an edited code cell makes the hash differ."
    sys.path.insert(0, str(ROOT/'tools'))
    from run_notebooks import tidy, code_hash
    bar = {'output_type': 'stream', 'name': 'stderr', 'text': ' 50%|#####     | 5/10 [00:01<00:01,  4.20it/s]'}
    mixed = {'output_type': 'stream', 'name': 'stdout', 'text': 'loss 2.31 -> 1.02\n 40%|####      | 4/10 [00:01<00:02, 3.1it/s]\n'}
    widget = {'output_type': 'display_data', 'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'x'}, 'text/plain': 'IntSlider(value=8)'}}
    fig = {'output_type': 'display_data', 'data': {'image/png': 'iVBOR', 'text/plain': '<Figure>'}}
    empty = {'output_type': 'execute_result', 'data': {}, 'metadata': {}}   # what ftlab.exercises.Verdict leaves
    kept = tidy([bar, mixed, widget, empty, fig])
    assert [o.get('text') for o in kept if o['output_type'] == 'stream'] == ['loss 2.31 -> 1.02\n']
    assert kept[1]['data'] == {'text/plain': 'IntSlider(value=8)'} and kept[2] == fig
    log = {'output_type': 'stream', 'name': 'stderr', 'text': '\n'.join(f'llama_model_loader: tensor {i}' for i in range(300))}
    (cut,) = tidy([log])
    assert cut['text'].count('\n') < 40 and 'tensor 0' in cut['text'] and 'tensor 299' in cut['text'] and '265 lines' in cut['text']
    nb = {'cells': [{'cell_type': 'code', 'source': ['x = 1']}, {'cell_type': 'markdown', 'source': ['prose']}]}
    edited = {'cells': [{'cell_type': 'code', 'source': ['x = 2']}, {'cell_type': 'markdown', 'source': ['prose']}]}
    reworded = {'cells': [{'cell_type': 'code', 'source': ['x = 1']}, {'cell_type': 'markdown', 'source': ['other prose']}]}
    assert code_hash(nb) != code_hash(edited) and code_hash(nb) == code_hash(reworded)
    colab = {'cells': [{'cell_type': 'code', 'source': ['# Colab: install ftlab (changed)']}] + nb['cells']}
    assert code_hash(colab) == code_hash(nb)   # the Colab set-up cell does nothing outside Colab: editing it does not make outputs stale

def test_course_path_is_current():
    "The index's course path lists every notebook once, with the time of its last recorded run (tools/course.py)."
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'course.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
