"`ftlab compare`: a table over registered methods on the tiny model, JSON and CSV written; a failing method is a row, not a crash; bad input exits 2."
import csv, json
import pytest
from ftlab.cli import main

def test_compare_cli(tmp_path, capsys):
    out = tmp_path/'cmp'
    assert main(['compare', '--model', 'tiny', '--methods', 'full,lora,prompt', '--steps', '2', '--batch-size', '4', '--n-train', '8',
                 '--n-eval', '2', '--max-new-tokens', '4', '--out', str(out)]) == 0
    text = capsys.readouterr().out
    assert '| method |' in text and 'ok   lora trainable < full' in text and 'ok   prompt trainable < lora' in text
    res = json.loads((out/'compare.json').read_text())
    rows = {r['method']: r for r in res['rows']}
    assert list(rows) == ['base', 'full', 'lora', 'prompt'] and not any(r['error'] for r in rows.values())
    assert rows['prompt']['trainable'] < rows['lora']['trainable'] < rows['full']['trainable'] == rows['full']['total']
    assert rows['lora']['gguf'] and not rows['prompt']['gguf'] and rows['prompt']['gguf_why'] == 'not mergeable'
    assert res['budget']['steps'] == 2 and res['budget']['model'] == 'tiny'
    with open(out/'compare.csv') as f: assert [r['method'] for r in csv.DictReader(f)] == list(rows)
    assert (out/'compare.png').stat().st_size > 10_000

def test_failing_method_is_a_row(tok):
    from ftlab.compare import CompareConfig, run_method
    from ftlab.methods import METHODS, Method, register
    from ftlab.models import tiny_model
    def boom(model, cfg): raise RuntimeError('no kernel for this')
    register(Method('_boom', dict, boom, 'lora_lr', False, 'always fails'))
    try:
        row = run_method('_boom', CompareConfig('tiny', steps=1, n_train=4, n_eval=2), lambda: tiny_model(tokenizer=tok), tok)
    finally: del METHODS['_boom']
    assert row['method'] == '_boom' and row['error'] == 'RuntimeError: no kernel for this'

@pytest.mark.parametrize('args,expect', [(['--methods', 'lora,nope'], "unknown method(s) nope"), (['--task', 'poetry'], "unknown task 'poetry'"),
                                         (['--steps', '0'], 'steps must be at least 1')])
def test_compare_bad_input_exits_2(args, expect, tmp_path, capsys):
    assert main(['compare', '--model', 'tiny', '--out', str(tmp_path/'x')] + args) == 2
    assert expect in capsys.readouterr().err and not (tmp_path/'x').exists()
