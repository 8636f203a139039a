"The GPU recipe inside ftlab.train, checked on the CPU: same losses as the plain path, packing, and bench/gpu_train.py's tiny mode."
import json, subprocess, sys
from pathlib import Path
import torch
from torch.testing import assert_close
from ftlab.models import tiny_model
from ftlab.speed import GpuRecipe
from ftlab.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]

def _run(tok, ds, rc=None, **kw):
    cfg = TrainConfig(steps=6, batch_size=4, lr=1e-2, seed=3, **kw)
    return train(tiny_model(tokenizer=tok)[0], ds, 'lora', cfg=cfg, tok=tok, out_dir=False, progress=False, recipe=rc)

def test_recipe_loss_equals_plain(tok, style_data):
    "The fused loss path trains exactly like answer_loss (fp32 on CPU): the recipe changes speed, not the result."
    ds = style_data(24)
    plain = _run(tok, ds, recipe=False, autocast=False)   # an exactness claim: fp32 on any CPU (00_core, section 3)
    fused = _run(tok, ds, GpuRecipe(compile=False, frozen_bf16=False, fused_adamw=False), recipe=True, autocast=False)
    assert_close(torch.tensor(fused.losses), torch.tensor(plain.losses), rtol=1e-4, atol=1e-4)

def test_recipe_compiled_and_packed_trains(tok, style_data):
    "Regional compile (dynamo's eager backend on CPU) plus packing: trains, counts every real token, loss falls."
    ds = style_data(40)
    res = _run(tok, ds, GpuRecipe(compile=True, compile_backend='eager', frozen_bf16=False, fused_adamw=False), recipe=True, packing=320)
    assert res.metrics['tokens'] > 0 and sum(res.losses[-2:]) < sum(res.losses[:2])
    per_step = res.metrics['tokens'] / 6  # 4 packed rows of 320 a step: more tokens than 4 unpacked examples of at most 160 can hold
    assert per_step > 4 * 160, per_step

def test_packing_must_fit_max_len():
    try: TrainConfig(max_len=256, packing=128).check()
    except ValueError as e: assert 'packing' in str(e)
    else: raise AssertionError('packing < max_len accepted')

def test_gpu_bench_tiny(tmp_path):
    "bench/gpu_train.py runs its baseline, recipe (with and without CUDA graphs: plain compile on CPU) and loss check on tiny shapes, and writes its JSON."
    out = tmp_path/'gpu.json'
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'gpu_train.py'), '--tiny', '--steps', '1', '--check-steps', '4',
                        '--only', 'tiny-b lora peft', 'tiny-b lora ftlab', 'check tiny-a lora', '--out', str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    res = json.loads(out.read_text())
    assert [x['variant'] for x in res['rows']] == ['peft', 'peft-bf16', 'ftlab', 'ftlab-cudagraphs'] and all(x['tokens_per_s'] > 0 for x in res['rows'])
    assert any('liger' in k for k in res['skipped'])   # Liger needs a GPU with Triton: listed as skipped, not silently left out
    c = res['loss_checks'][0]
    assert len(c['baseline']) == 4 and c['sound'], c
    assert '| tiny-b | lora | ftlab |' in r.stdout

def test_gpu_bench_user_path(tmp_path):
    "bench/gpu_train.py --user-path: `ftlab train` (with and without packing) beside plain PEFT at two seeds, real tokens, in one JSON."
    out = tmp_path/'up.json'
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'gpu_train.py'), '--tiny', '--user-path', '--user-steps', '2', '--out', str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    up = json.loads(out.read_text())['user_path']
    runs = ['plain PEFT bf16', 'plain PEFT bf16, seed 1', 'ftlab train', 'ftlab train + packing']
    assert all('error' not in up[k] and up[k]['tokens'] > 0 and len(up[k]['losses']) == 2 for k in runs), up
    assert all(up[k]['x_plain'] > 0 and up[k]['late_loss_gap'] < float('inf') for k in runs[2:]) and 1 <= up['packed_rows'] <= up['batch_size']
    assert '| ftlab train + packing |' in r.stdout

def test_gpu_check_dry_run(tmp_path, monkeypatch, capsys):
    "tools/gpu_check.py --dry-run lists every notebook with a cuda cell and fails when a concept notebook has none."
    import importlib.util, shutil
    spec = importlib.util.spec_from_file_location('gpu_check', ROOT/'tools'/'gpu_check.py')
    gc = importlib.util.module_from_spec(spec); spec.loader.exec_module(gc)
    assert gc.main(['--dry-run']) == 0 and gc.main(['--dry-run', '--cells-only', '--only', '17_rlhf']) == 0
    kept = json.loads(gc.cells_only('17_rlhf', tmp_path/'cells').read_text())['cells']
    assert all(gc.setup_only(c) or gc.is_cuda(c) for c in kept) and sum(map(gc.is_cuda, kept)) == gc.cuda_cells(ROOT/'nbs'/'17_rlhf.ipynb')
    rows = gc.plan()
    assert {f'{n}_' for n in range(10, 21)} <= {r['notebook'][:3] for r in rows} and all(r['cuda_cells'] for r in rows)
    nb = json.loads((ROOT/'nbs'/'11_lora.ipynb').read_text())
    nb['cells'] = [c for c in nb['cells'] if not gc.is_cuda(c)]
    (tmp_path/'11_lora.ipynb').write_text(json.dumps(nb))
    monkeypatch.setattr(gc, 'NBS', tmp_path)
    assert gc.main(['--dry-run']) == 1 and 'without a cuda cell: 11_lora' in capsys.readouterr().out

def test_recipe_leaves_prompt_learning_alone(tiny):
    "Virtual-token methods need peft's own forward: the recipe keeps only what cannot change their numbers."
    from ftlab.train import _recipe
    from ftlab.methods import get_method
    for name in ('prompt', 'prefix'):
        m = get_method(name).apply(tiny(), get_method(name).config())
        rc = _recipe(TrainConfig(recipe=True), GpuRecipe(), m, torch.device('cpu'), torch.bfloat16)
        assert not (rc.fused_ce or rc.compile or rc.frozen_bf16), (name, rc)
    m = get_method('lora').apply(tiny(), get_method('lora').config())
    assert _recipe(TrainConfig(recipe=True), GpuRecipe(), m, torch.device('cpu'), torch.bfloat16) == GpuRecipe()
    assert _recipe(TrainConfig(), None, m, torch.device('cpu'), None) is None  # on the CPU the recipe is off unless asked for
