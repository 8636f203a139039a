"""The method contract: every registered method (today's and every future one, from the registry) goes through one path on the
tiny model: train into a run folder, reload it, resume it, generate with it, and merge and export it, or refuse clearly."""
import copy, shutil
import pytest, torch
from ftlab.cli import main, load_run
from ftlab.export import merged_model, teacher_forced, compare_gguf
from ftlab.models import tiny_model, count_params
from ftlab.train import TrainConfig, train
from ftlab.methods import load_methods, get_method

PROMPTS = ['Why is the sky blue?', 'What is a cat?', 'Tell me about the sea.']

@pytest.fixture(scope='module')
def style_ds(style_data): return style_data(24, max_len=128)

def _train(name, ds, tok, out, resume=False):
    # fp32 (autocast off): reload, resume and merge are exact claims, checked in fp32 on every machine (00_core, section 3)
    cfg = TrainConfig(steps=6, batch_size=4, lr=5e-3 if name == 'full' else 2e-2, save_every=3, autocast=False)
    return train(tiny_model(tokenizer=tok)[0], ds, name, cfg=cfg, tok=tok, out_dir=out, resume=resume, progress=False, extra={'model': 'tiny'})

def _logits(model, tok):
    x = tok([tok.apply_chat_template([{'role': 'user', 'content': p}], add_generation_prompt=True, tokenize=False) for p in PROMPTS],
            return_tensors='pt', padding=True, add_special_tokens=False)
    with torch.no_grad(): return model.eval()(**x).logits[:, -x['input_ids'].shape[1]:]   # prompt tuning adds its virtual tokens' positions: keep the text's

@pytest.mark.parametrize('name', sorted(load_methods()))
def test_method_contract(name, tmp_path, tok, style_ds, capsys):
    meth, run = get_method(name), tmp_path/'run'
    # 1. it trains: 6 steps into a run folder, the loss falls
    res = _train(name, style_ds, tok, run)
    m = res.metrics
    assert len(res.losses) == 6 and all(l == l for l in res.losses) and sum(res.losses[-3:]) < sum(res.losses[:3])
    assert 0 < m['trainable'] <= m['total'] and m['tokens_per_s'] > 0 and m['peak_mem_mb'] > 0
    saved = {p.name for p in run.iterdir()}
    assert {'config.json', 'metrics.json', 'loss.png'} <= saved and (('adapter' in saved) != ('model' in saved)), saved
    # 2. the saved run reloads into the model that trained
    trained = _logits(res.model, tok)
    assert (trained - _logits(tiny_model(tokenizer=tok)[0], tok)).abs().max() > 1e-3   # the method changed the outputs, so a lossy reload would show
    loaded, _, _ = load_run(run)
    assert (_logits(loaded, tok) - trained).abs().max() <= 1e-5
    # 3. resumed from the step-3 checkpoint, it ends where the straight run ended; or the CLI says why it cannot resume
    again_dir = tmp_path/'again'
    shutil.copytree(run/'checkpoints'/'checkpoint-3', again_dir/'checkpoints'/'checkpoint-3'); shutil.copy(run/'config.json', again_dir)
    capsys.readouterr()
    if 'resume' in meth.cannot:
        assert main(['train', '--model', 'tiny', '--method', name, '--out', str(again_dir), '--resume', '--steps', '6', '--no-eval']) == 2
        err = capsys.readouterr().err
        assert f'method {name!r} cannot resume' in err and 'Fix:' in err and 'Traceback' not in err, err
    else:
        again = _train(name, style_ds, tok, again_dir, resume=True)
        assert again.metrics['resumed_from'] == 'checkpoint-3' and len(again.losses) == 6
        assert abs(again.losses[-1] - res.losses[-1]) <= 1e-4, (again.losses, res.losses)
    # 4. `ftlab generate --run` answers
    capsys.readouterr()
    assert main(['generate', '--run', str(run), '--max-new-tokens', '4', PROMPTS[0]]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f'> {PROMPTS[0]}') and len(out.splitlines()) >= 2
    # 5. and 6. merged, it computes the same; exported, llama.cpp predicts the same tokens. Or the CLI says why not, and exits 2.
    gguf = tmp_path/'out.gguf'
    code = main(['export', str(run), '--gguf', str(gguf)])
    if not meth.mergeable or 'gguf' in meth.cannot:
        err = capsys.readouterr().err
        assert code == 2 and 'Fix:' in err and 'Traceback' not in err and not gguf.exists(), err
        assert 'cannot be merged' in err if not meth.mergeable else 'biases' in err, err
        return
    assert code == 0 and gguf.exists()
    merged = merged_model(copy.deepcopy(loaded))
    assert not any('lora' in n or 'reft' in n for n, _ in merged.named_parameters())
    # fp32 merge: W + update rounds once where the unmerged model rounds twice; 1e-4 is a few fp32 ulps of these O(1) logits
    assert (_logits(merged, tok) - trained).abs().max() <= 1e-4
    seqs, hf = teacher_forced(merged.eval(), tok, PROMPTS, n_tokens=12)
    agree = compare_gguf(gguf, seqs, hf, threads=1)
    assert agree['agreement'] >= 0.99, agree

def test_full_trains_everything_lora_little(tiny):
    from ftlab.methods.full import FullConfig
    from ftlab.methods.lora import LoraConfig
    m1, m2 = tiny(), tiny()
    t_full, n = count_params(get_method('full').apply(m1, FullConfig()))
    t_lora, _ = count_params(get_method('lora').apply(m2, LoraConfig(r=2)))
    assert t_full == n and 0 < t_lora < t_full / 10

def test_same_seed_same_losses(tok, tiny, style_data):
    ds = style_data(16)
    runs = [train(tiny(), ds, 'lora', cfg=TrainConfig(steps=5, batch_size=4, lr=1e-2, seed=7), tok=tok, out_dir=False, progress=False).losses for _ in range(2)]
    assert runs[0] == runs[1]

def test_count_params_counts_4bit_weights_not_bytes(tiny):
    "A 4-bit base counts the weights it holds (bitsandbytes packs two a byte), so QLoRA's trainable share is LoRA's."
    from ftlab.methods.qlora import to_4bit, bnb_available, is_4bit
    if not bnb_available(): pytest.skip('bitsandbytes cannot run here')
    m = tiny()
    before = count_params(m)
    to_4bit(m)
    assert any(is_4bit(x) for x in m.modules()) and sum(p.numel() for p in m.parameters()) < before[1]   # packed: fewer elements stored
    assert count_params(m)[1] == before[1]
