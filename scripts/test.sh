#!/usr/bin/env bash
# Every test, from a fresh clone: install what is missing, build (Release,
# warnings as errors), run the whole ctest suite (C++ unit and behaviour
# tests, CLI tests, Python reader tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build --preset release --parallel "$(nproc)"
ctest --preset release --parallel "$(nproc)" "$@"
