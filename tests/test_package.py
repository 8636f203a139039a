"The exported package stands alone: no name that only a notebook cell defines (ruff's undefined-name checks), and every function runs from `import ftlab`."
import shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def test_ruff_f_clean():
    "ruff's F rules: no undefined name (an exported function leaning on a name only an unexported notebook cell defines fails here, not at a user's call), no unused import, no redefinition."
    ruff = shutil.which('ruff')
    if ruff is None: pytest.fail('ruff is not installed: pip install -e ".[dev]"')
    r = subprocess.run([ruff, 'check', '--select', 'F', '--output-format', 'concise', str(ROOT/'ftlab')], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_qlora_fallback_from_the_package():
    "The NF4 functions QLoRA falls back to without bitsandbytes, called from a fresh interpreter that never saw the notebook."
    code = ('import torch; from ftlab.methods.qlora import quantize_4bit, dequantize_4bit, to_nf4_float; from ftlab.models import tiny_model\n'
            'w = torch.randn(8, 64); c, a = quantize_4bit(w); assert (dequantize_4bit(c, a) - w).abs().max() < w.abs().max() / 4\n'
            'm = to_nf4_float(tiny_model()[0]); print("ok")')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith('ok'), r.stderr[-2000:]

def test_layers_point_down():
    "No ftlab module imports ftlab.cli, at the top or inside a function (DESIGN.md: the CLI is the top layer, a thin shell)."
    import ast
    bad = []
    for f in sorted((ROOT/'ftlab').rglob('*.py')):
        if f.name in ('cli.py', '_modidx.py'): continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                mod = ('.' * node.level) + (node.module or '')
                if mod in ('ftlab.cli', '.cli', '..cli') or (mod in ('ftlab', '.') and any(a.name == 'cli' for a in node.names)): bad.append(f'{f.relative_to(ROOT)}:{node.lineno}')
            elif isinstance(node, ast.Import) and any(a.name == 'ftlab.cli' for a in node.names): bad.append(f'{f.relative_to(ROOT)}:{node.lineno}')
    assert not bad, f'imports of ftlab.cli below it: {bad}'

def import_graph() -> dict:
    "{module: ftlab modules it imports}, from every import statement in ftlab/, inside functions too."
    import ast
    def name(f):
        parts = f.relative_to(ROOT).with_suffix('').parts
        return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)
    files = {name(f): f for f in (ROOT/'ftlab').rglob('*.py') if f.name != '_modidx.py'}
    graph = {}
    for mod, f in files.items():
        pkg, out = (mod if f.name == '__init__.py' else mod.rsplit('.', 1)[0]).split('.'), set()
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Import): out |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = '.'.join(pkg[:len(pkg) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module
                out |= {f'{base}.{a.name}' if f'{base}.{a.name}' in files else base for a in node.names}
        graph[mod] = {m for m in out if m in files and m != mod and m != 'ftlab'}   # the package's __init__ is one line
    return graph

def test_no_import_cycles():
    "Layers point down: no cycle among ftlab's modules, counting imports inside functions (which hide a cycle from Python, not from a reader)."
    graph, cycles = import_graph(), []
    assert {'ftlab.train', 'ftlab.core', 'ftlab.cli'} <= set(graph) and 'ftlab.core' in graph['ftlab.train']   # the walk sees the package
    def visit(m, path):
        for n in sorted(graph[m]):
            if n in path: cycles.append(path[path.index(n):] + [n])
            elif n not in done: visit(n, path + [n])
        done.add(m)
    done = set()
    for m in sorted(graph):
        if m not in done: visit(m, [m])
    assert not cycles, cycles

def test_method_modules_sit_below_training():
    "The registry (`ftlab.methods`) imports its method modules at run time (`load_methods`, through pkgutil), so a method module must import nothing that uses the registry: not train, jobs, compare, cli..."
    graph = import_graph()
    def reach(m, seen=None):
        seen = set() if seen is None else seen
        for n in graph[m] - seen: seen.add(n); reach(n, seen)
        return seen
    methods = {m for m in graph if m.startswith('ftlab.methods')}
    users = {m for m in graph if 'ftlab.methods' in reach(m)} - methods   # what sits above the registry
    assert {'ftlab.train', 'ftlab.jobs', 'ftlab.cli'} <= users
    bad = {m: sorted(reach(m) & users) for m in methods if reach(m) & users}
    assert not bad, bad

def test_cli_imports_no_training_libraries():
    "`ftlab --help`, `ftlab train --help` and `ftlab doctor` import neither peft, trl nor bitsandbytes: fast, and able to report one missing."
    code = ("import sys, io, contextlib\nfrom ftlab.cli import main\n"
            "for argv in (['--help'], ['train', '--help'], ['doctor', '--json']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try: main(argv)\n"
            "        except SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('peft', 'trl', 'bitsandbytes')))")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == '[]', r.stdout[-500:]
