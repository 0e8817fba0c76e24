"""PyTorch's side of the lock-step comparison (scripts/lockstep.ts runs ours on what this writes).

Optional, needs PyTorch and a copy of makemore.py (not in this repository); nothing in `npm test` or CI uses it.
Builds makemore.py's own model class (rnn, gru, transformer or bow) on a word file, draws `--steps` batches of 32 word
indices, trains with makemore.py's AdamW (lr 5e-4, betas 0.9/0.99, eps 1e-8, weight decay 0.01), and writes JSON:
the initial state_dict, the batches, every step's loss and the first step's gradients. Same weights and batches on
both sides make any difference in the models or the optimizer show at step 1, or as a gap that grows step by step;
float32 rounding alone stays near 1e-6.

usage: python3 scripts/torch/lockstep.py --makemore /path/to/makemore.py --kind gru --steps 300 \
         --words ../shared/data/names.txt --out /tmp/lockstep-gru.json
"""
import argparse
import importlib.util
import json
import sys
import types

import torch

parser = argparse.ArgumentParser()
parser.add_argument('--makemore', required=True, help='path to makemore.py')
parser.add_argument('--kind', required=True, choices=['rnn', 'gru', 'transformer', 'bow'])
parser.add_argument('--steps', type=int, default=300)
parser.add_argument('--words', required=True)
parser.add_argument('--out', required=True)
parser.add_argument('--seed', type=int, default=1234)
args = parser.parse_args()
torch.set_num_threads(1)

try:  # makemore.py imports tensorboard at the top but only uses it in its __main__
    import torch.utils.tensorboard  # noqa: F401
except ImportError:
    stub = types.ModuleType('torch.utils.tensorboard')
    stub.SummaryWriter = object
    sys.modules['torch.utils.tensorboard'] = stub
spec = importlib.util.spec_from_file_location('makemore', args.makemore)
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)

with open(args.words) as f:
    words = [w for w in (w.strip() for w in f.read().splitlines()) if w]
chars = sorted(set(''.join(words)))
longest = max(len(w) for w in words)
data = mm.CharDataset(words, chars, longest)
config = mm.ModelConfig(vocab_size=len(chars) + 1, block_size=longest + 1)
torch.manual_seed(args.seed)
build = {'rnn': lambda: mm.RNN(config, 'rnn'), 'gru': lambda: mm.RNN(config, 'gru'),
         'transformer': lambda: mm.Transformer(config), 'bow': lambda: mm.BoW(config)}
model = build[args.kind]()
# parameters only: the causal masks are registered buffers named ...bias, not weights
params = dict(model.named_parameters())
init = {name: p.detach().tolist() for name, p in params.items()}
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01, betas=(0.9, 0.99), eps=1e-8)
generator = torch.Generator().manual_seed(args.seed + 1)
batches, losses, grads = [], [], None
for step in range(args.steps):
    rows = torch.randint(len(words), (32,), generator=generator)
    X = torch.stack([data[i][0] for i in rows])
    Y = torch.stack([data[i][1] for i in rows])
    _, loss = model(X, Y)
    model.zero_grad(set_to_none=True)
    loss.backward()
    if step == 0:
        grads = {name: p.grad.tolist() for name, p in params.items()}
    optimizer.step()
    batches.append(rows.tolist())
    losses.append(loss.item())
with open(args.out, 'w') as f:
    json.dump({'kind': args.kind, 'init': init, 'grads': grads, 'batches': batches, 'losses': losses}, f)
print(f'{args.kind}: {args.steps} steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}; wrote {args.out}')
