"The README's main job, `ftlab train --method lora`, in the ci profile: the style is learned and the content kept."
import json, os, subprocess
import pytest

@pytest.mark.precision   # its thresholds must hold whether training runs in bf16 or fp32
@pytest.mark.heavy
def test_main_job(tmp_path):
    env = {**os.environ, 'FTLAB_PROFILE': 'ci', 'FTLAB_RUNS': str(tmp_path/'runs')}
    r = subprocess.run(['ftlab', 'train', '--method', 'lora'], capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    (run,) = list((tmp_path/'runs').iterdir())
    ev = json.loads((run/'eval.json').read_text())
    print(r.stdout[-2000:])
    assert ev['metric'] == 'style_rate'
    # Measured 2026-11-30 (2-core AMD EPYC with AVX512-BF16, ci profile, 16 held-out prompts), in both precisions:
    #   bf16 autocast (native): style 0% -> 94% (15/16), content F1 0.45, loss 2.30 -> 0.65
    #   fp32 (FTLAB_CPU_BF16=0): style 0% -> 94% (15/16), content F1 0.41, loss 2.31 -> 0.65
    # so the margins are: 0.80 allows two more misses than measured (13/16); 0.35 sits 0.06 under the lower F1.
    assert ev['before'] <= 0.10, ev['before']
    assert ev['after'] >= 0.80, ev['after']
    assert ev['content_f1'] >= 0.35, ev['content_f1']
    assert ev['train']['last_loss'] < ev['train']['first_loss']
    assert ev['train']['trainable_pct'] < 2
    for f in ('config.json', 'metrics.json', 'loss.png', 'samples.md', 'before_after.png', 'adapter/adapter_model.safetensors'):
        assert (run/f).exists(), f
    assert 'style_rate:' in r.stdout
