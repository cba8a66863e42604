"""Executes notebooks headless with nbclient, as CI does: fails (exit 1) on the first failing cell.

    python run_notebooks.py NOTEBOOK_DIR OUTPUT_DIR

Prints one JSON line per notebook: its name, seconds, and the tables it said do not exist yet.
"""
import json
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, output = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
output.mkdir(parents=True, exist_ok=True)
failed = False
for path in sorted(source.glob("*.ipynb")):
    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    error = None
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(source)}}).execute()
    except CellExecutionError as e:
        error = str(e).strip().splitlines()[-1] if str(e).strip() else repr(e)
        failed = True
    nbformat.write(notebook, output / path.name)
    missing = []
    images = 0
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            missing += [line.split(" ")[0] for line in text.splitlines() if "does not exist yet" in line]
            images += "image/png" in out.get("data", {})
    print(json.dumps({"notebook": path.name, "seconds": round(time.monotonic() - started, 1),
                      "error": error, "missing": missing, "images": images}), flush=True)
sys.exit(1 if failed else 0)
