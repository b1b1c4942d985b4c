#!/usr/bin/env bash
# The main job, from a fresh clone: install what is missing, build (Release),
# install the program for this user, run the built-in London scenario, write
# results/london_baseline.h5 and print its annual summary. Extra arguments go
# to `pledgesim run`.
#
# The program is installed under PLEDGESIM_PREFIX (default $HOME/.local: no
# root, nothing outside the user's home): PREFIX/bin/pledgesim, the scenarios
# in PREFIX/share/pledgesim/scenarios, the docs in PREFIX/share/doc/pledgesim
# and the Python package in PREFIX/share/pledgesim/python. If PREFIX/bin is
# not on PATH, the last line printed says how to put it there.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PLEDGESIM_PREFIX:-$HOME/.local}
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --parallel "$(nproc)"
cmake --install build/release --prefix "$prefix" >/dev/null
echo "installed: $prefix/bin/pledgesim (scenarios and docs in $prefix/share)"
# The Python packages (pledgesim, pledgesim_analysis): a .pth in PREFIX's
# site directory names them; with the default prefix that is the user's own
# site directory, which /usr/bin/python3 reads by itself.
python_dir="$prefix/share/pledgesim/python"
if [[ -d "$python_dir/pledgesim" ]]; then
  user_site=$(/usr/bin/python3 -m site --user-site 2>/dev/null || true)
  if [[ -f "$user_site/pledgesim.pth" && "$(cat "$user_site/pledgesim.pth")" == "$python_dir" ]]; then
    echo "installed: Python packages pledgesim and pledgesim_analysis (/usr/bin/python3 -c 'import pledgesim')"
  else
    echo "installed: Python packages in $python_dir (use PYTHONPATH=$python_dir /usr/bin/python3)"
  fi
fi
"$prefix/bin/pledgesim" run --out results/london_baseline.h5 --force "$@"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *)
    echo
    echo "pledgesim is not on your PATH yet; to use the README's commands, run (or add to ~/.profile):"
    echo "  export PATH=\"$prefix/bin:\$PATH\""
    ;;
esac
