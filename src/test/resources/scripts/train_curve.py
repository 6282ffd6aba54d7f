"""A training script in Syne Tune's style, standard library only: --name value arguments,
--st_checkpoint_dir, a checkpoint written before each report, [tune-metric] lines, resume from the
checkpoint. Each run appends the epoch it started from to runs.txt in its checkpoint directory."""
import argparse
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--st_checkpoint_dir", type=str, required=True)
parser.add_argument("--fail_above", type=float, default=2.0)
args, _ = parser.parse_known_args()

os.makedirs(args.st_checkpoint_dir, exist_ok=True)
state_file = os.path.join(args.st_checkpoint_dir, "state.json")
done = 0
if os.path.exists(state_file):
    with open(state_file) as f:
        done = json.load(f)["epoch"]
with open(os.path.join(args.st_checkpoint_dir, "runs.txt"), "a") as f:
    f.write(f"{done + 1}\n")
if args.x > args.fail_above:
    raise SystemExit("x is out of range for this model")

for epoch in range(done + 1, args.epochs + 1):
    time.sleep(0.05)
    loss = (args.x - 0.3) ** 2 + 1.0 / epoch
    with open(state_file + ".tmp", "w") as f:
        json.dump({"epoch": epoch}, f)
    os.replace(state_file + ".tmp", state_file)
    print("[tune-metric]: " + json.dumps({"epoch": epoch, "loss": loss}), flush=True)
