"""Independent reference for the ONNX export: LightGBM's and ONNX Runtime's own Python packages.

Usage: python onnx_reference.py

Reads one job per line on stdin, {"tasks": [TASK, ...]}, and answers each with one line on stdout (importing
lightgbm takes seconds, so a test keeps one process for all its jobs). Matrices are raw little-endian float32
files written by the test, row-major.
  {"kind": "train", "id": str, "x": path, "rows": int, "cols": int, "feature_names": [str] | null, "labels": [path, ...],
   "params": {...}, "num_boost_round": int, "predict": {"x": path, "rows": int}, "out_prefix": path}
      trains one booster per label file; writes OUT_PREFIX.K.txt (model text), OUT_PREFIX.K.json (JSON dump) and
      OUT_PREFIX.K.pred.f64 (predictions of that booster's in-memory model on predict.x).
  {"kind": "predict", "id": str, "models": [path, ...], "x": path, "rows": int, "out_prefix": path}
      loads each model text; writes OUT_PREFIX.K.json (its JSON dump) and OUT_PREFIX.K.pred.f64.
  {"kind": "onnx", "id": str, "model": path, "x": path, "rows": int, "cols": int, "out": path}
      runs the model with onnxruntime (input "features"); writes the first output as raw float32 to OUT and
      reports the output shape and, when the onnx package is importable, onnx.checker's verdict.
Answers {"lightgbm_version", "onnxruntime_version", "onnx_version" (null when absent), "tasks": {id: {...}}},
or {"error": str} when a task failed.
"""

import json
import sys

import lightgbm as lgb
import numpy as np
import onnxruntime as ort

try:
    import onnx
except ImportError:  # the checker is optional; onnxruntime loading the model is the real check
    onnx = None


def matrix(path, rows, cols=None):
    values = np.fromfile(path, dtype="<f4")
    return values.reshape(rows, -1 if cols is None else cols)


def write_booster(booster, x, prefix, k):
    with open(f"{prefix}.{k}.json", "w", encoding="utf-8") as f:
        json.dump(booster.dump_model(), f)
    np.asarray(booster.predict(x), dtype="<f8").tofile(f"{prefix}.{k}.pred.f64")


def train(task):
    x = matrix(task["x"], task["rows"], task["cols"])
    px = matrix(task["predict"]["x"], task["predict"]["rows"], task["cols"])
    trees = []
    for k, label_path in enumerate(task["labels"]):
        label = np.fromfile(label_path, dtype="<f4")
        names = task.get("feature_names") or "auto"
        data = lgb.Dataset(x, label=label, feature_name=names)
        booster = lgb.train(dict(task["params"]), data, num_boost_round=task["num_boost_round"])
        with open(f"{task['out_prefix']}.{k}.txt", "w", encoding="utf-8") as f:
            f.write(booster.model_to_string())
        write_booster(booster, px, task["out_prefix"], k)
        trees.append(booster.num_trees())
    return {"num_trees": trees}


def predict(task):
    for k, path in enumerate(task["models"]):
        booster = lgb.Booster(model_file=path)
        x = matrix(task["x"], task["rows"], booster.num_feature())
        write_booster(booster, x, task["out_prefix"], k)
    return {}


def run_onnx(task):
    session = ort.InferenceSession(task["model"], providers=["CPUExecutionProvider"])
    x = matrix(task["x"], task["rows"], task["cols"])
    out = session.run(None, {"features": x})[0]
    np.asarray(out, dtype="<f4").tofile(task["out"])
    checker = None
    if onnx is not None:
        try:
            onnx.checker.check_model(onnx.load(task["model"]), full_check=True)
            checker = "ok"
        except Exception as err:  # report the checker's words to the test
            checker = f"{type(err).__name__}: {err}"
    return {"shape": list(out.shape), "checker": checker}


def main():
    kinds = {"train": train, "predict": predict, "onnx": run_onnx}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            out = {
                "lightgbm_version": lgb.__version__,
                "onnxruntime_version": ort.__version__,
                "onnx_version": None if onnx is None else onnx.__version__,
                "tasks": {task["id"]: kinds[task["kind"]](task) for task in job["tasks"]},
            }
        except Exception as err:  # the test shows the reason and fails
            out = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
