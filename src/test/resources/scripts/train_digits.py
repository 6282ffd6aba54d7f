"""A Syne Tune training script: logistic regression on scikit-learn's digits, one partial_fit pass
per epoch, a checkpoint per epoch written before the report, resumed from its checkpoint."""
import argparse
import os
import pickle

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

try:
    from syne_tune import Reporter  # the script as it runs under Syne Tune
except ImportError:  # here: Attune's drop-in
    from attune_client import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, required=True)
parser.add_argument("--eta0", type=float, required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--st_checkpoint_dir", type=str, default=None)
args, _ = parser.parse_known_args()

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.3, random_state=0)
model = SGDClassifier(loss="log_loss", alpha=args.alpha, learning_rate="constant", eta0=args.eta0, random_state=0)
start = 1
checkpoint = os.path.join(args.st_checkpoint_dir, "model.pkl") if args.st_checkpoint_dir else None
if checkpoint and os.path.exists(checkpoint):
    with open(checkpoint, "rb") as f:
        saved = pickle.load(f)
    model, start = saved["model"], saved["epoch"] + 1
    with open(os.path.join(args.st_checkpoint_dir, "resumed.txt"), "a") as f:
        f.write(f"{start}\n")

report = Reporter()
for epoch in range(start, args.epochs + 1):
    model.partial_fit(X_train, y_train, classes=np.arange(10))
    error = 1.0 - model.score(X_val, y_val)
    if checkpoint:
        # As Syne Tune's scripts do: the directory is the script's to create (it exists only to resume).
        os.makedirs(args.st_checkpoint_dir, exist_ok=True)
        with open(checkpoint + ".tmp", "wb") as f:
            pickle.dump({"model": model, "epoch": epoch}, f)
        os.replace(checkpoint + ".tmp", checkpoint)
    report(epoch=epoch, val_error=error)
