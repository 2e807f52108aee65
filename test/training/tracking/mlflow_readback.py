"""Reads a published run and model back with MLflow's own Python client, as an independent check of shelfcast's.

Usage: python mlflow_readback.py JOB_JSON   (MLFLOW_TRACKING_URI names the server)

JOB: {"run_id": str, "model": str, "alias": str, "curve_key": str, "x": path, "rows": int, "cols": int, "out": path}
  x is a raw little-endian float32 matrix (rows × cols, row-major). The model behind models:/MODEL@ALIAS is
  downloaded; its model.onnx is run with onnxruntime on x (the output is written to OUT as raw float32), and the
  whole directory is loaded with mlflow.pyfunc (the MLmodel file's python_function flavor) and run on x too.
Prints one JSON object: the run's params, latest metrics and tags, the steps of the curve metric, the version
behind the alias, the downloaded files, the MLmodel flavors, and the largest |pyfunc - onnxruntime| difference.
"""

import json
import os
import sys

import mlflow
import numpy as np
import onnxruntime as ort
from mlflow import MlflowClient
from mlflow.models import Model


def main() -> None:
    job = json.loads(sys.argv[1])
    client = MlflowClient()
    run = client.get_run(job["run_id"])
    history = client.get_metric_history(job["run_id"], job["curve_key"])
    version = client.get_model_version_by_alias(job["model"], job["alias"])
    local = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{job['model']}@{job['alias']}")
    files = sorted(os.path.relpath(os.path.join(d, f), local) for d, _, fs in os.walk(local) for f in fs)

    x = np.fromfile(job["x"], dtype="<f4").reshape(job["rows"], job["cols"])
    session = ort.InferenceSession(os.path.join(local, "model.onnx"), providers=["CPUExecutionProvider"])
    predicted = session.run(None, {session.get_inputs()[0].name: x})[0].astype("<f4")
    predicted.tofile(job["out"])
    pyfunc = mlflow.pyfunc.load_model(local).predict(x)
    pyfunc_out = next(iter(pyfunc.values())) if isinstance(pyfunc, dict) else np.asarray(pyfunc)

    print(json.dumps({
        "params": run.data.params,
        "metrics": run.data.metrics,
        "tags": run.data.tags,
        "status": run.info.status,
        "curve_steps": [m.step for m in history],
        "version": {"version": version.version, "run_id": version.run_id, "source": version.source, "aliases": list(version.aliases)},
        "files": files,
        "flavors": sorted(Model.load(local).flavors.keys()),
        "output_shape": list(predicted.shape),
        "pyfunc_max_abs_diff": float(np.nanmax(np.abs(np.asarray(pyfunc_out, dtype="f4") - predicted))),
    }))


if __name__ == "__main__":
    main()
