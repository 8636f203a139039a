"""Each family's chat template (data/chat_templates/) against the Ollama Modelfile ftlab derives from it: the same conversations
rendered by the Jinja template (as transformers does) and by the Modelfile's Go TEMPLATE (as Ollama does) must be equal,
up to the BOS that a template writes and llama.cpp adds by itself."""
import copy, re
import pytest
from ftlab.core import data_dir
from ftlab.models import load_tokenizer
from ftlab.export import modelfile, parse_modelfile, chat_pieces, template_tokenizer, ExportError

TEMPLATES = sorted((data_dir()/'chat_templates').glob('*.jinja'))

def go_render(tmpl:str, system:str, messages:list[dict]) -> str:
    "The subset of Go's text/template our TEMPLATEs use: text, {{ .System }}, {{ .Role }}, {{ .Content }}, if/else if/else/end with .System or eq/ne .Role, range .Messages, and the {{- -}} trims."
    parts = re.split(r'(\{\{-? .*? -?\}\})', tmpl)
    for i in range(1, len(parts), 2):
        if parts[i].startswith('{{- '): parts[i-1] = parts[i-1].rstrip()
        if parts[i].endswith(' -}}'): parts[i+1] = parts[i+1].lstrip()
    toks = [p if i % 2 == 0 else p.strip('{}').strip('-').strip() for i, p in enumerate(parts)]
    def block(i):
        nodes = []
        while i < len(toks):
            t = toks[i]
            if i % 2 == 0: nodes.append(('text', t)); i += 1
            elif t == 'end' or t.startswith('else'): return nodes, i + 1, t
            elif t.startswith(('if ', 'range ')):
                body, i, term = block(i + 1)
                branches = [(t, body)]
                while term.startswith('else'):
                    cond = 'if ' + term[len('else if '):] if term.startswith('else if ') else 'else'
                    body, i, term = block(i)
                    branches.append((cond, body))
                assert term == 'end', tmpl
                nodes.append(('ctl', branches))
            else: nodes.append(('var', t)); i += 1
        return nodes, i, None
    def ev(expr, ctx):
        if expr in ('.System', '.Role', '.Content'): return ctx[expr[1:]]
        m = re.fullmatch(r'(eq|ne) \.Role "(\w+)"', expr)
        if m is None: raise ValueError(f'not in the subset: {expr!r}')
        return (ctx['Role'] == m[2]) == (m[1] == 'eq')
    def run(nodes, ctx):
        out = ''
        for kind, x in nodes:
            if kind == 'text': out += x
            elif kind == 'var': out += ev(x, ctx)
            elif x[0][0] == 'range .Messages':
                for m in ctx['Messages']: out += run(x[0][1], {**ctx, 'Role': m['role'], 'Content': m['content']})
            else:
                for cond, body in x:
                    if cond == 'else' or ev(cond[3:], ctx): out += run(body, ctx); break
        return out
    nodes, _, term = block(0)
    assert term is None, f'unbalanced {{{{ end }}}} in {tmpl!r}'
    return run(nodes, {'System': system, 'Messages': messages, 'Role': None, 'Content': None})

def test_go_render_subset():
    t = 'A \n{{- if .System }}<{{ .System }}>\n{{ end }}{{- range .Messages }}{{- if eq .Role "user" }}U:{{ .Content }}\n{{ else if eq .Role "assistant" }}B:{{ .Content }}\n{{ else }}?{{ end }}{{ end }}Z'
    msgs = [{'role': 'system', 'content': 's'}, {'role': 'user', 'content': 'hi'}, {'role': 'assistant', 'content': 'yo'}]
    assert go_render(t, 's', msgs) == 'A<s>\n?U:hi\nB:yo\nZ'
    assert go_render(t, '', msgs[1:]) == 'AU:hi\nB:yo\nZ'
    with pytest.raises(ValueError, match='not in the subset'): go_render('{{ .Prompt }}', '', [])

CONVERSATIONS = [
    [{'role': 'user', 'content': 'What is a volcano?'}],
    [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello, de gozaru.\nAsk away.'}, {'role': 'user', 'content': 'Why is the sky blue?'}],
    [{'role': 'system', 'content': 'Answer in one sentence.'}, {'role': 'user', 'content': 'Name a planet.'}],
    [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'a'}, {'role': 'assistant', 'content': 'b'}, {'role': 'user', 'content': 'c'}],
]

@pytest.fixture(scope='module')
def base_tok(): return load_tokenizer()

def test_every_family_has_a_template():
    assert {p.stem for p in TEMPLATES} >= {'smollm2', 'qwen2_5', 'qwen3', 'gemma2', 'llama3', 'phi3', 'mistral'}
    for p in TEMPLATES: assert p.read_text().startswith('{#- source: '), f'{p.name} does not name its source'

@pytest.mark.parametrize('path', TEMPLATES, ids=lambda p: p.stem)
def test_modelfile_renders_like_jinja(path, base_tok):
    tok = template_tokenizer(path, base_tok)
    cmds = parse_modelfile(modelfile('model.gguf', tok))
    tmpl = next(a for c, a in cmds if c == 'TEMPLATE')
    default = next((a for c, a in cmds if c == 'SYSTEM'), '')
    stops = [a.split(' ', 1)[1].strip('"') for c, a in cmds if c == 'PARAMETER' and a.startswith('stop ')]
    lead = chat_pieces(tok)['lead']
    checked = 0
    for conv in CONVERSATIONS:
        try: jinja = tok.apply_chat_template(conv, tokenize=False, add_generation_prompt=True)
        except Exception: assert conv[0]['role'] == 'system' and path.stem in ('gemma2', 'mistral'); continue   # no system turn in these two
        system = '\n\n'.join(m['content'] for m in conv if m['role'] == 'system') or default    # what Ollama passes as .System
        assert jinja == lead + go_render(tmpl, system, conv), path.stem
        checked += 1
    assert checked >= 2
    # the answer's end is a stop, so generation halts where the template closes a turn
    answered = tok.apply_chat_template(CONVERSATIONS[0] + [{'role': 'assistant', 'content': 'ANSWER'}], tokenize=False)
    assert any(answered.split('ANSWER', 1)[1].startswith(s) for s in stops), (path.stem, stops)

def test_unreadable_template_is_refused(base_tok):
    tok = copy.deepcopy(base_tok)
    tok.chat_template = "{% for m in messages %}{{ m['content'] }}{% if loop.index is even %}{{ '|' }}{% endif %}{% endfor %}"   # separators that depend on position
    with pytest.raises(ExportError, match='write the TEMPLATE by hand'): modelfile('model.gguf', tok)
