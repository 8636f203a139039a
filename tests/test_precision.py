"Precision: the model `train()` returns computes what its saved run computes, under bf16 training too; exact claims hold in fp32 on any CPU."
import pytest, torch
from ftlab.core import autocast_dtype, precision
from ftlab.train import TrainConfig, train, plain_forward

pytestmark = pytest.mark.precision

def _x(tok):
    text = tok.apply_chat_template([{'role': 'user', 'content': 'Why is the sky blue?'}], add_generation_prompt=True, tokenize=False)
    return tok(text, return_tensors='pt', add_special_tokens=False)

@pytest.mark.parametrize('name', ['lora', 'full', 'reft', 'adapter'])
def test_returned_model_is_the_saved_run(name, tmp_path, tok, tiny, style_data, monkeypatch):
    "Trained under forced bf16 autocast: the returned model and `load_run` give the same logits (<= 1e-5), and the returned model runs in fp32 again."
    from ftlab.cli import load_run
    monkeypatch.setenv('FTLAB_CPU_BF16', '1')
    assert autocast_dtype('cpu') == torch.bfloat16
    res = train(tiny(), style_data(8), name, cfg=TrainConfig(steps=2, batch_size=4, lr=5e-2), tok=tok,
                out_dir=tmp_path/name, progress=False, extra={'model': 'tiny'})
    assert '_original_forward' not in res.model.__dict__ and 'forward' not in res.model.__dict__   # the class's own forward again
    x = _x(tok)
    m2, _, _ = load_run(tmp_path/name)
    with torch.no_grad():
        trained, loaded = res.model.eval()(**x).logits, m2.eval()(**x).logits
        with torch.autocast('cpu', torch.bfloat16): trained_bf16 = res.model(**x).logits.float()
    assert trained.dtype == torch.float32
    assert (trained_bf16 - trained).abs().max() > 1e-3   # bf16 moves these logits by more than the tolerance: a kept autocast forward would fail below
    assert (loaded - trained).abs().max() <= 1e-5, (loaded - trained).abs().max()

def test_plain_forward_restores_the_class_forward(tiny):
    "What accelerate's mixed precision adds (an autocast forward and an fp32 cast of the outputs) is removed; a model without it is left as it is."
    from accelerate import Accelerator
    m = tiny()
    x = torch.tensor([[1, 5, 9, 13]])
    with torch.no_grad(): ref = m(input_ids=x).logits
    from accelerate.state import AcceleratorState
    AcceleratorState._reset_state(True)   # accelerate's state is per process: a Trainer in this worker may have set it already
    try: wrapped = Accelerator(cpu=True, mixed_precision='bf16').prepare_model(m)
    finally: AcceleratorState._reset_state(True)
    assert 'forward' in wrapped.__dict__
    with torch.no_grad(): assert not torch.equal(wrapped(input_ids=x).logits, ref)   # bf16 inside
    back = plain_forward(wrapped)
    assert back is m and 'forward' not in m.__dict__ and '_original_forward' not in m.__dict__
    with torch.no_grad(): assert torch.equal(back(input_ids=x).logits, ref)
    assert plain_forward(m) is m

@pytest.mark.parametrize('forced,expect', [('1', torch.bfloat16), ('0', None)])
def test_precision_says_why(forced, expect, monkeypatch):
    "FTLAB_CPU_BF16 forces either mode and `precision()` says it was forced; without it the reason names the CPU's support."
    monkeypatch.setenv('FTLAB_CPU_BF16', forced)
    dt, why = precision('cpu')
    assert dt == expect and f'FTLAB_CPU_BF16={forced}' in why and autocast_dtype('cpu') == expect
    monkeypatch.delenv('FTLAB_CPU_BF16')
    dt, why = precision('cpu')
    assert ('native bf16 on this CPU' in why) == (dt == torch.bfloat16) and 'forced' not in why
