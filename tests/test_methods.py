"Every registered method trains on the tiny model through ftlab.train, and its saved result loads back."
import pytest, torch
from ftlab.core import data_dir
from ftlab.data import load_data
from ftlab.models import tiny_model, count_params
from ftlab.train import METHODS, load_methods, TrainConfig, train

@pytest.mark.parametrize('name', sorted(load_methods()))
def test_method_trains(name, tmp_path, tok):
    model, _ = tiny_model(tokenizer=tok)
    ds = load_data(data_dir()/'style'/'train.jsonl', tok, max_len=128, n=24)
    res = train(model, ds, name, cfg=TrainConfig(steps=6, batch_size=4, lr=5e-3 if name == 'full' else 2e-2), tok=tok, out_dir=tmp_path/name, progress=False)
    m = res.metrics
    assert len(res.losses) == 6 and all(l == l for l in res.losses)
    assert sum(res.losses[-3:]) < sum(res.losses[:3])
    assert 0 < m['trainable'] <= m['total'] and m['tokens_per_s'] > 0 and m['peak_mem_mb'] > 0
    assert (tmp_path/name/'metrics.json').exists() and (tmp_path/name/'loss.png').exists()
    saved = [p.name for p in (tmp_path/name).iterdir()]
    assert ('adapter' in saved) != ('model' in saved)

def test_full_trains_everything_lora_little(tok):
    from ftlab.train import get_method, FullConfig, LoraConfig
    m1, _ = tiny_model(tokenizer=tok); m2, _ = tiny_model(tokenizer=tok)
    t_full, n = count_params(get_method('full').apply(m1, FullConfig()))
    t_lora, _ = count_params(get_method('lora').apply(m2, LoraConfig(r=2)))
    assert t_full == n and 0 < t_lora < t_full / 10

def test_same_seed_same_losses(tmp_path, tok):
    ds = load_data(data_dir()/'style'/'train.jsonl', tok, max_len=160, n=16)
    runs = [train(tiny_model(tokenizer=tok)[0], ds, 'lora', cfg=TrainConfig(steps=5, batch_size=4, lr=1e-2, seed=7), tok=tok, out_dir=False, progress=False).losses for _ in range(2)]
    assert runs[0] == runs[1]

@pytest.mark.precision
@pytest.mark.parametrize('name', ['reft', 'adapter'])
def test_added_modules_reload(name, tmp_path, tok):
    "Methods whose modules a plain from_pretrained drops (ReFT interventions, bottleneck adapters) come back through ftlab.cli.load_run."
    from ftlab.cli import load_run
    ds = load_data(data_dir()/'style'/'train.jsonl', tok, max_len=160, n=8)
    res = train(tiny_model(tokenizer=tok)[0], ds, name, cfg=TrainConfig(steps=2, batch_size=4, lr=5e-2), tok=tok, out_dir=tmp_path/name, progress=False)
    text = tok.apply_chat_template([{'role': 'user', 'content': 'Why is the sky blue?'}], add_generation_prompt=True, tokenize=False)
    x = tok(text, return_tensors='pt', add_special_tokens=False)
    m2, _, _ = load_run(tmp_path/name)
    with torch.no_grad():
        trained, loaded, base = res.model.eval()(**x).logits, m2.eval()(**x).logits, tiny_model(tokenizer=tok)[0](**x).logits
    assert not torch.allclose(trained, base)      # the method changed the model, so a reload that dropped it would show
    torch.testing.assert_close(loaded, trained)
