"""Independent reference for the TypeScript LightGBM binding: trains with LightGBM's own Python package.

Usage: python lightgbm_reference.py JOB.json

JOB.json holds {"runs": [RUN, ...]}; each RUN names raw little-endian float32 files written by the test:
  {"id": str,
   "train": {"x": path, "y": path, "w": path | null, "rows": int, "cols": int},
   "valid": [{"name": str, "x": path, "y": path, "w": path | null, "rows": int}],
   "params": {...}, "num_boost_round": int, "early_stopping_rounds": int | null, "first_metric_only": bool,
   "predict": {"x": path, "rows": int, "num_iteration": int} | null,
   "out_model": path, "out_pred": path | null}
Prints one JSON object: {"lightgbm_version": str, "runs": {id: {"best_iteration", "num_trees", "evals",
"importance_gain"}}}. Predictions are written as raw float64.
"""

import json
import sys

import lightgbm as lgb
import numpy as np


def matrix(path, rows, cols):
    return np.fromfile(path, dtype="<f4").reshape(rows, cols)


def vector(path):
    return None if path is None else np.fromfile(path, dtype="<f4")


def run(spec):
    cols = spec["train"]["cols"]
    train = lgb.Dataset(
        matrix(spec["train"]["x"], spec["train"]["rows"], cols),
        label=vector(spec["train"]["y"]),
        weight=vector(spec["train"]["w"]),
    )
    valid_sets, valid_names = [], []
    for v in spec["valid"]:
        valid_sets.append(
            lgb.Dataset(matrix(v["x"], v["rows"], cols), label=vector(v["y"]), weight=vector(v["w"]), reference=train)
        )
        valid_names.append(v["name"])
    evals = {}
    callbacks = [lgb.record_evaluation(evals)]
    if spec["early_stopping_rounds"] is not None:
        callbacks.append(
            lgb.early_stopping(
                spec["early_stopping_rounds"], first_metric_only=spec.get("first_metric_only", False), verbose=False
            )
        )
    booster = lgb.train(
        dict(spec["params"]),
        train,
        num_boost_round=spec["num_boost_round"],
        valid_sets=valid_sets,
        valid_names=valid_names,
        callbacks=callbacks,
    )
    with open(spec["out_model"], "w", encoding="utf-8") as f:
        f.write(booster.model_to_string())
    if spec["predict"] is not None:
        p = spec["predict"]
        pred = booster.predict(matrix(p["x"], p["rows"], cols), num_iteration=p["num_iteration"])
        np.asarray(pred, dtype="<f8").tofile(spec["out_pred"])
    return {
        "best_iteration": booster.best_iteration,
        "num_trees": booster.num_trees(),
        "evals": {name: {metric: list(values) for metric, values in by_metric.items()} for name, by_metric in evals.items()},
        "importance_gain": booster.feature_importance(importance_type="gain").tolist(),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    out = {"lightgbm_version": lgb.__version__, "runs": {spec["id"]: run(spec) for spec in job["runs"]}}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
