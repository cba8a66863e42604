"""Evidently's data-drift report on the benchmark's data: reference and current Parquet folders the
Java side wrote. Prints 'evidently seconds: S' (the report alone) and 'evidently load seconds: S'."""
import sys
import time

import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

reference_path, current_path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
reference = pd.read_parquet(reference_path)
current = pd.read_parquet(current_path)
loaded = time.perf_counter()
snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
result = snapshot.dict()
done = time.perf_counter()
drifted = [m for m in result.get("metrics", []) if "DriftedColumnsCount" in str(m.get("metric_name", m.get("metric_id", "")))]
print(f"evidently rows: reference {len(reference)}, current {len(current)}")
print(f"evidently drifted columns: {drifted[0]['value'] if drifted else '?'}")
print(f"evidently load seconds: {loaded - start:.2f}")
print(f"evidently seconds: {done - loaded:.2f}")
