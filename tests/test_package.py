"The exported package stands alone: no name that only a notebook cell defines (ruff's undefined-name checks), and every function runs from `import ftlab`."
import shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def test_no_undefined_names():
    "F821 and friends: an exported function that leans on a name only an unexported notebook cell defines fails here, not at a user's call."
    ruff = shutil.which('ruff')
    if ruff is None: pytest.fail('ruff is not installed: pip install -e ".[dev]"')
    r = subprocess.run([ruff, 'check', '--select', 'F821,F822,F823,F811', '--output-format', 'concise', str(ROOT/'ftlab')], capture_output=True, text=True)
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
