"""A training script that proves it continues from the right checkpoint, in Syne Tune's idioms: the
checkpoint directory's existence means "resume" (the worker never creates it), hyphenated argument names
(--learning-rate), and a Reporter-style [tune-metric] line per epoch.

Its checkpoint holds the trial id and epoch that wrote it. ATTUNE_CHECKPOINT_FROM names the trial whose
checkpoint the worker placed (itself when resumed, the source for a PBT clone, the failed trial for a
retry); the script fails when the directory exists without a checkpoint, when the checkpoint is another
trial's, or when a checkpoint was promised and is missing. Each run appends "trial start_epoch from root"
to the file named by ATTUNE_TEST_RUN_LOG."""
import argparse
import json
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--learning-rate", type=float, default=0.1)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--st_checkpoint_dir", type=str, default=None)
parser.add_argument("--epoch-seconds", type=float, default=0.15)
parser.add_argument("--fail-at-epoch", type=int, default=0, help="fail there, on a run that did not resume")
args, _ = parser.parse_known_args()

try:
    from syne_tune import Reporter
except ImportError:
    class Reporter:
        """Syne Tune's Reporter as the worker reads it: one [tune-metric] line per call (the worker adds
        st_worker_timestamp, st_worker_time and st_worker_iter)."""

        def __call__(self, **metrics):
            print("[tune-metric]: " + json.dumps(metrics), flush=True)

report = Reporter()

trial = int(os.environ["ATTUNE_TRIAL_ID"])
source = os.environ.get("ATTUNE_CHECKPOINT_FROM")
state_file = os.path.join(args.st_checkpoint_dir, "state.json")
done = 0
if os.path.isdir(args.st_checkpoint_dir):
    # Syne Tune's convention: an existing checkpoint directory is a checkpoint to load.
    if not os.path.exists(state_file):
        sys.exit(f"trial {trial}: {args.st_checkpoint_dir} exists but holds no checkpoint")
    with open(state_file) as f:
        state = json.load(f)
    if source is None or state["trial"] != int(source):
        sys.exit(f"trial {trial}: checkpoint of trial {state['trial']} but expected trial {source}")
    done = state["epoch"]
elif source is not None:
    sys.exit(f"trial {trial}: the checkpoint of trial {source} is missing")

with open(os.environ["ATTUNE_TEST_RUN_LOG"], "a") as f:
    f.write(f"{os.environ['ATTUNE_STUDY_ID']} {trial} {done + 1} {source} {os.path.dirname(os.path.dirname(os.path.dirname(args.st_checkpoint_dir)))}\n")

gpus = os.environ.get("CUDA_VISIBLE_DEVICES", "")
print(f"trial {trial}: CUDA_VISIBLE_DEVICES={gpus}", flush=True)
start = time.time()
for epoch in range(done + 1, args.epochs + 1):
    time.sleep(args.epoch_seconds)
    loss = (args.x - 0.3) ** 2 + args.learning_rate / epoch
    os.makedirs(args.st_checkpoint_dir, exist_ok=True)
    with open(state_file + ".tmp", "w") as f:
        json.dump({"trial": trial, "epoch": epoch}, f)
    os.replace(state_file + ".tmp", state_file)
    report(epoch=epoch, loss=loss)
    if epoch == args.fail_at_epoch and source is None:
        sys.exit(f"trial {trial}: out of memory at epoch {epoch}")

if gpus and "ATTUNE_TEST_GPU_LOG" in os.environ:
    with open(os.environ["ATTUNE_TEST_GPU_LOG"], "a") as f:
        f.write(f"{os.environ['ATTUNE_STUDY_ID']} {trial} {gpus} {start} {time.time()}\n")
