"""makemore.py's train/test split of a word file, as JSON for `npm run reference -- --split-file FILE`.

Optional, needs PyTorch; nothing in `npm test` or CI uses it. makemore.py seeds torch (default 3407) and, before
anything else draws from that generator, cuts torch.randperm(n) into train (all but the last min(1000, n // 10)) and
test (those last ones). Doing the same here gives the very words its printed test losses are measured on, so ours
can be trained and tested on them too.

usage: python3 scripts/torch/makemore-split.py ../shared/data/names.txt /tmp/makemore-split.json [--seed 3407]
"""
import argparse
import json

import torch

parser = argparse.ArgumentParser()
parser.add_argument('words')
parser.add_argument('out')
parser.add_argument('--seed', type=int, default=3407)
args = parser.parse_args()

torch.manual_seed(args.seed)
with open(args.words) as f:
    words = [w.strip() for w in f.read().splitlines()]
words = [w for w in words if w]  # makemore.py drops empty lines after stripping
test_size = min(1000, int(len(words) * 0.1))
order = torch.randperm(len(words)).tolist()
split = {'train': [words[i] for i in order[:-test_size]], 'dev': [], 'test': [words[i] for i in order[-test_size:]]}
with open(args.out, 'w') as f:
    json.dump(split, f)
print(f"{len(split['train'])} train, {len(split['test'])} test words -> {args.out}")
