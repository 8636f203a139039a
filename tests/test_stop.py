"The end-of-turn token is learned, so a fine-tuned model stops instead of rambling to max_new_tokens."
import json
from ftlab.data import load_data
from ftlab.models import tiny_model
from ftlab.train import TrainConfig, train
from ftlab.eval import generate

def test_model_learns_to_stop(tmp_path, tok):
    assert tok.pad_token_id == tok.eos_token_id   # the trap's setting: pad = EOS
    p = tmp_path/'d.jsonl'
    p.write_text(''.join(json.dumps({'input': f'Say hi {i}.', 'output': 'Hi.'}) + '\n' for i in range(16)))
    model, _ = tiny_model(hidden=64, tokenizer=tok)
    ds = load_data(p, tok, max_len=64)
    res = train(model, ds, 'full', cfg=TrainConfig(steps=40, batch_size=8, lr=1e-2, warmup_steps=0, schedule='constant'), tok=tok, out_dir=False, progress=False)
    out = generate(res.model, tok, ['Say hi 3.', 'Say hi 99.'], max_new_tokens=20)
    assert out == ['Hi.', 'Hi.'], out   # stopped right after the answer: EOS was generated
