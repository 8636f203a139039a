"""Every model family of the tiny zoo (ftlab.models.TINY_ARCHS) end to end through the shell: `ftlab train --method lora` on a
saved tiny model of the family, then `ftlab export --gguf` on that run, and llama.cpp's logits of the file against the merged
run's in transformers. And the supported-models table (bench/results/families.json, rendered by tools/families.py) must
describe today's families and methods."""
import json, subprocess, sys
from pathlib import Path
import pytest
from ftlab.cli import main
from ftlab.models import tiny_model, TINY_ARCHS
from ftlab.methods import METHODS, FAMILY_LIMITS, load_methods
from ftlab.train import load_run
from ftlab.export import gguf_agreement

ROOT = Path(__file__).resolve().parents[1]
PROBES = ['What is a volcano?', "It's 42, de gozaru.\n\n  Next:", 'x=7*8; y = 56']
TOL = 1e-2   # of the logits' spread; an F32 file lands near 1e-3 (18_gguf), a wrong rotary layout or norm at 5e-2 and above

@pytest.mark.parametrize('arch', list(TINY_ARCHS))
def test_family_trains_lora_and_exports_gguf(arch, tmp_path, capsys):
    m, tok = tiny_model(arch=arch)
    base = tmp_path/'base'            # a neutral name: llama.cpp gives a model named "phi3" Phi-3's special tokens, which the default tokenizer lacks
    m.save_pretrained(base); tok.save_pretrained(base)
    run, out = tmp_path/'run', tmp_path/'m.gguf'
    assert main(['train', '--model', str(base), '--method', 'lora', '--profile', 'ci', '--steps', '2', '--batch-size', '4', '--lr', '1e-2', '--no-eval', '--out', str(run)]) == 0, capsys.readouterr().err
    assert main(['export', str(run), '--gguf', str(out), '--quant', 'f32']) == 0, capsys.readouterr().err
    pm, run_tok, _ = load_run(run)
    r = gguf_agreement(pm.merge_and_unload().eval(), run_tok, out, PROBES)
    assert r['probes_alike'] == len(PROBES), f'{arch}: llama.cpp tokenizes {len(PROBES) - r["probes_alike"]} probe(s) differently'   # the same ids from the file's tokenizer as from the run's
    err = r['error']
    assert err < TOL, f'{arch}: llama.cpp differs from transformers by {err:.2e} of the logits spread'

def test_supported_models_table_is_current():
    load_methods()
    res = json.loads((ROOT/'bench'/'results'/'families.json').read_text())
    assert set(res['families']) == set(TINY_ARCHS), 'a family was added or removed: run python bench/families.py, then python tools/families.py'
    for arch, r in res['families'].items():
        assert set(r['methods']) == set(METHODS), f'{arch}: the methods changed: run python bench/families.py, then python tools/families.py'
        refused = {n for n, v in r['methods'].items() if v != 'trains'}
        assert refused == {n for (n, fam) in FAMILY_LIMITS if fam == r['model_type']}, arch
        assert r['gguf']['error'] < res['tolerance'], arch
    out = subprocess.run([sys.executable, str(ROOT/'tools'/'families.py'), '--check'], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
