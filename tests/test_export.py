"`ftlab export`: bad inputs exit 2 with a message naming the fix and write nothing; a tiny LoRA run exports, quantizes and round-trips through llama.cpp; the Modelfile parses."
import json
import numpy as np
import pytest, torch
from ftlab.cli import main
from ftlab.export import parse_modelfile, open_gguf, gguf_logits, ExportError
from ftlab.train import train, TrainConfig
from ftlab.models import tiny_model
from ftlab.methods.lora import LoraConfig
from ftlab.methods import METHODS, Method, register
from ftlab.methods.full import FullConfig, apply_full

def _bad(args, capsys, expect):
    code = main(['export'] + [str(a) for a in args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expect in err and 'Fix:' in err and 'Traceback' not in err, err

@pytest.fixture(scope='module')
def lora_run(tmp_path_factory, tok, tiny, style_data):
    "A tiny LoRA run folder, trained 3 steps through ftlab.train."
    d = tmp_path_factory.mktemp('run')
    train(tiny(), style_data(8), 'lora', LoraConfig(r=4, alpha=8), TrainConfig(steps=3, batch_size=4, lr=2e-2), tok=tok, out_dir=d/'lora', progress=False, extra={'model': 'tiny'})
    return d/'lora'

def test_help(capsys):
    with pytest.raises(SystemExit) as e: main(['export', '--help'])
    assert e.value.code == 0 and '--quant' in capsys.readouterr().out

def test_unsupported_architecture(tmp_path, capsys):
    from transformers import GPTNeoXConfig, GPTNeoXForCausalLM
    _, tok = tiny_model()
    GPTNeoXForCausalLM(GPTNeoXConfig(num_hidden_layers=1, hidden_size=32, num_attention_heads=2, intermediate_size=64, vocab_size=len(tok))).save_pretrained(tmp_path/'neox'); tok.save_pretrained(tmp_path/'neox')
    _bad([tmp_path/'neox', '--gguf', tmp_path/'o.gguf'], capsys, 'architecture GPTNeoXForCausalLM is not supported')
    assert not list(tmp_path.glob('o.gguf*'))

def test_missing_tokenizer_files(tmp_path, tiny, capsys):
    tiny().save_pretrained(tmp_path/'m')   # the trap: weights saved without the tokenizer
    _bad([tmp_path/'m', '--gguf', tmp_path/'o.gguf'], capsys, 'tokenizer file(s) tokenizer.json, tokenizer_config.json missing')
    assert not list(tmp_path.glob('o.gguf*'))

def test_run_model_without_tokenizer(tmp_path, tiny, capsys):
    run = tmp_path/'run'; tiny().save_pretrained(run/'model')
    (run/'config.json').write_text(json.dumps({'method': 'full', 'model': 'tiny'}))
    _bad([run, '--gguf', tmp_path/'o.gguf'], capsys, 'tokenizer file(s)')

def test_prefix_tuning_cannot_merge(tmp_path, tok, tiny, capsys):
    import peft
    m = tiny()
    pm = peft.get_peft_model(m, peft.PrefixTuningConfig(task_type='CAUSAL_LM', num_virtual_tokens=4))
    run = tmp_path/'run'; pm.save_pretrained(run/'adapter'); tok.save_pretrained(run/'adapter')
    (run/'config.json').write_text(json.dumps({'method': 'prefix_tuning', 'model': 'tiny'}))
    _bad([run, '--gguf', tmp_path/'o.gguf'], capsys, 'cannot be merged')
    assert not list(tmp_path.glob('o.gguf*'))

def test_reft_like_method_cannot_merge(tmp_path, capsys):
    "A registered method with mergeable=False (ReFT edits hidden states, not weights) is refused by name."
    register(Method('_reft_like', FullConfig, apply_full, 'lora_lr', False, 'a representation intervention (ReFT-like)'))
    try:
        run = tmp_path/'run'; (run/'adapter').mkdir(parents=True)
        (run/'config.json').write_text(json.dumps({'method': '_reft_like', 'model': 'tiny'}))
        _bad([run, '--gguf', tmp_path/'o.gguf'], capsys, "method '_reft_like' cannot be merged")
    finally: METHODS.pop('_reft_like', None)

@pytest.mark.parametrize('args,expect', [
    (['--quant', 'q3_xyz'], "unknown --quant 'q3_xyz'"),
])
def test_bad_quant(args, expect, lora_run, tmp_path, capsys):
    _bad([lora_run, '--gguf', tmp_path/'o.gguf'] + args, capsys, expect)

def test_not_a_folder(tmp_path, capsys):
    _bad([tmp_path/'nothing', '--gguf', tmp_path/'o.gguf'], capsys, 'no config.json')

def test_export_q4_k_m_with_modelfile(lora_run, tmp_path, capsys):
    out = tmp_path/'out'/'style.gguf'
    assert main(['export', str(lora_run), '--gguf', str(out), '--quant', 'q4_k_m', '--modelfile']) == 0
    import gguf
    types = {t.tensor_type.name for t in gguf.GGUFReader(out).tensors}
    assert types & {'Q5_0', 'Q8_0', 'Q4_K', 'Q6_K'} and 'F16' not in types, types
    cmds = parse_modelfile((out.parent/'Modelfile').read_text())
    assert cmds[0] == ('FROM', './style.gguf') and (out.parent/cmds[0][1]).exists()
    assert ('PARAMETER', 'stop "<|im_end|>"') in cmds and any(c == 'TEMPLATE' and '{{ .Content }}' in a for c, a in cmds)
    assert not list(out.parent.glob('*.part'))

def test_export_f16_matches_merged_model(lora_run, tmp_path):
    "The exported F16 file gives llama.cpp the logits of the merged transformers model."
    from ftlab.cli import load_run
    out = tmp_path/'m.gguf'
    assert main(['export', str(lora_run), '--gguf', str(out), '--merged', str(tmp_path/'merged')]) == 0
    m, tok, _ = load_run(lora_run)
    merged = m.merge_and_unload().eval()
    ids = tok('The quick brown fox jumps over the lazy dog')['input_ids']
    with torch.no_grad(): hf = merged(torch.tensor([ids])).logits[0].numpy()
    llm = open_gguf(out, n_ctx=64)
    cpp = gguf_logits(llm, ids); llm.close()
    assert np.abs(cpp - hf).max() < 0.02, np.abs(cpp - hf).max()
    assert (tmp_path/'merged'/'tokenizer.json').exists()

def test_parse_modelfile_rejects_article_syntax():
    with pytest.raises(ExportError, match="unknown instruction 'PARAMETER_FILE'"): parse_modelfile('FROM llama2\nPARAMETER_FILE ./llama-2-7b-q4.gguf\n')
    with pytest.raises(ExportError, match='unknown PARAMETER'): parse_modelfile('FROM ./m.gguf\nPARAMETER nonsense 1\n')
    with pytest.raises(ExportError, match='unterminated'): parse_modelfile('FROM ./m.gguf\nTEMPLATE """{{ .Prompt }}\n')
    with pytest.raises(ExportError, match='first instruction must be FROM'): parse_modelfile('PARAMETER stop "x"\n')

def test_parse_modelfile_accepts_ollama_options():
    "Ollama's runner and sampling options (and the older sampling ones it still takes) are accepted, not just the common few."
    cmds = parse_modelfile('FROM ./m.gguf\nPARAMETER mirostat 2\nPARAMETER num_gpu 20\nPARAMETER num_thread 8\nPARAMETER presence_penalty 0.5\nPARAMETER typical_p 0.9\n')
    assert [c for c, _ in cmds] == ['FROM'] + ['PARAMETER'] * 5
