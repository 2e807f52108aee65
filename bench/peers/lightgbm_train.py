"""Peer side of bench/lightgbm-binding.ts: the same training through LightGBM's Python package.

Usage: python lightgbm_train.py JOB.json
JOB.json: {"x": path, "y": path, "rows": int, "cols": int, "params": {...}, "rounds": int, "model_out": path}
(raw little-endian float32 files). Loading the files is not timed; building the Dataset and training are, as
on the TypeScript side. Prints {"construct_s", "train_s", "total_s", "lightgbm_version"} as JSON.
"""

import json
import sys
import time

import lightgbm as lgb
import numpy as np


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    x = np.fromfile(job["x"], dtype="<f4").reshape(job["rows"], job["cols"])
    y = np.fromfile(job["y"], dtype="<f4")
    params = dict(job["params"])

    start = time.perf_counter()
    train = lgb.Dataset(x, label=y, params=params).construct()
    built = time.perf_counter()
    # keep_training_booster=True: skip lgb.train's final save-and-reload, which the binding does not do either.
    booster = lgb.train(params, train, num_boost_round=job["rounds"], keep_training_booster=True)
    done = time.perf_counter()

    with open(job["model_out"], "w", encoding="utf-8") as f:
        f.write(booster.model_to_string())
    json.dump(
        {
            "construct_s": built - start,
            "train_s": done - built,
            "total_s": done - start,
            "lightgbm_version": lgb.__version__,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
