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
    assert [x['variant'] for x in res['rows']] == ['peft', 'ftlab', 'ftlab-cudagraphs'] and all(x['tokens_per_s'] > 0 for x in res['rows'])
    c = res['loss_checks'][0]
    assert len(c['baseline']) == 4 and c['sound'], c
    assert '| tiny-b | lora | ftlab |' in r.stdout

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
