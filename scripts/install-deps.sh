#!/usr/bin/env bash
# Installs the Debian packages pledgesim needs, idempotently: when every
# package is already installed it does nothing (no apt-get call at all).
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++ clang libclang-rt-dev clang-format
  libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools libcli11-dev
  libbenchmark-dev libgtest-dev libgmock-dev librandom123-dev
  libtomlplusplus-dev libboost-dev libnlopt-cxx-dev libopenmpi-dev openmpi-bin
  libboost-math-dev
  python3-h5py python3-numpy python3-pandas python3-scipy python3-matplotlib
  python3-xarray python3-h5netcdf python3-plotly
  # the Python package `pledgesim` (pybind11) and its notebooks
  python3-dev pybind11-dev python3-pybind11 python3-nbconvert python3-ipykernel
  # tests: the report in a real browser, the README's R snippet, its SLURM example
  chromium r-cran-hdf5r slurm-wlm munge
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present" >&2
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
