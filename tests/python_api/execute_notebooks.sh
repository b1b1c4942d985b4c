#!/usr/bin/env bash
# Executes every notebook in examples/ with nbconvert --execute (Debian's
# python3-nbconvert and python3-ipykernel; `python3 -m nbconvert` is the
# program `jupyter nbconvert` runs, without the jupyter-nbconvert wrapper
# package), in the /usr/bin/python3 kernel, so they cannot rot: any cell that
# raises fails the test. The executed copies (with their outputs and
# figures) are kept as test artifacts in ARTIFACTS.
# Usage: execute_notebooks.sh SOURCE_ROOT ARTIFACTS PYTHON
set -euo pipefail
root=$1
artifacts=$2
python=$3
"$python" -c "import nbconvert, ipykernel" 2>/dev/null ||
  { echo "SKIP: nbconvert or ipykernel is not installed (python3-nbconvert, python3-ipykernel)"; exit 77; }
rm -rf "$artifacts"
mkdir -p "$artifacts/work"
export PLEDGESIM_EXAMPLES_OUT="$artifacts/work"  # the notebooks' own files, not in the source tree
status=0
for nb in "$root"/examples/*.ipynb; do
  name=$(basename "$nb" .ipynb)
  start=$(date +%s)
  if "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
      --ExecutePreprocessor.kernel_name=python3 --output-dir "$artifacts" \
      --output "$name" "$nb" >"$artifacts/$name.log" 2>&1; then
    echo "ok   $name ($(($(date +%s) - start)) s): $artifacts/$name.ipynb"
  else
    echo "FAIL $name:"
    tail -40 "$artifacts/$name.log"
    status=1
  fi
done
exit $status
