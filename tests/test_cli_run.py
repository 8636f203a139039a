"A short run through the CLI (the tiny model: the main job covers the default one), then `ftlab eval` and `ftlab generate` on its run folder."
import json
from ftlab.cli import main

def test_train_eval_generate(tmp_path, capsys):
    held = tmp_path/'held.jsonl'
    held.write_text(''.join(json.dumps({'input': q, 'output': 'x, de gozaru.'}) + '\n' for q in ['What is rain?', 'What is a cat?']))
    run = tmp_path/'run'
    assert main(['train', '--model', 'tiny', '--steps', '2', '--batch-size', '4', '--out', str(run), '--eval-data', str(held), '--profile', 'ci', '--save-every', '1']) == 0
    ev = json.loads((run/'eval.json').read_text())
    assert len(ev['samples']) == 2 and 0 <= ev['after'] <= 1
    assert (run/'checkpoints').is_dir() and (run/'adapter'/'adapter_config.json').exists()
    capsys.readouterr()
    assert main(['eval', str(run), '--eval-data', str(held), '--profile', 'ci']) == 0
    assert 'style_rate:' in capsys.readouterr().out
    assert main(['generate', '--run', str(run), '--max-new-tokens', '8', 'What is the capital of France?']) == 0
    out = capsys.readouterr().out
    assert out.startswith('> What is the capital of France?') and len(out.splitlines()) >= 2
    # resuming a finished run to more steps continues from its last checkpoint
    assert main(['train', '--model', 'tiny', '--steps', '3', '--batch-size', '4', '--out', str(run), '--eval-data', str(held), '--profile', 'ci', '--save-every', '1', '--resume']) == 0
    m = json.loads((run/'metrics.json').read_text())
    assert m['resumed_from'] == 'checkpoint-2' and len(m['losses']) == 3

def test_eval_knowledge_on_base_model(tmp_path, capsys):
    "`ftlab eval` on a model (not a run) with the knowledge metric: the base model does not know the fictional product."
    held = tmp_path/'faq.jsonl'
    held.write_text(''.join(json.dumps({'input': q, 'output': 'x', 'facts': f}) + '\n' for q, f in
                            [('How much does the Hoshi Lantern HL-7 cost?', ['89 dollars']), ('What is the capital of France?', ['paris'])]))
    assert main(['eval', 'default', '--task', 'knowledge', '--eval-data', str(held), '--profile', 'ci']) == 0
    out = capsys.readouterr().out
    assert 'fact_accuracy: 50%' in out, out   # Paris is known, the made-up price is not
