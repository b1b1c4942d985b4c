#!/usr/bin/env bash
# The README's SLURM example ("Sweeps and sensitivity"), taken from
# README.md and submitted with `sbatch` to a one-node SLURM cluster
# that this test starts on localhost (munged, slurmctld and slurmd with a
# configuration, key, state and logs in its temporary directory, on free
# ports): its sweep, run as 2 MPI tasks by `srun --mpi=pmix`, must write the
# same file as a single-process `pledgesim sweep` of the same sweep; so must
# the same script with `mpirun` in place of srun (docs/sweeps.md's way for a
# cluster without the pmix plugin). The sweep is the README's
# scenarios/sweeps/pledge_levers.toml with 2 base samples instead of 64
# (10 runs). Every daemon is stopped at the end.
# Exits 77 (skipped) only where SLURM cannot start here (no SLURM or munge
# programs, a daemon that will not run or bind its port, a node that never
# comes up), printing why from the daemons' logs.
# Usage: test_slurm.sh PLEDGESIM_BINARY README.md SOURCE_DIR PYTHON
set -u
bin=$(realpath "$1")
readme=$2
source_dir=$(realpath "$3")
python=$4
here=$(realpath "$(dirname "$0")")
source "$here/../common/cli_helpers.sh"  # $work, check, run, status_is, ...
skipped=77

cluster="$work/cluster"
mkdir -p "$cluster"/{munge,state,spool,log}
chmod 700 "$cluster/munge"
# Nothing of a cluster this test may itself run in reaches the one it starts.
for variable in $(compgen -e | grep '^SLURM_'); do unset "$variable"; done
export SLURM_CONF="$cluster/slurm.conf"

# end_pid PID: SIGTERM, up to 5 s to exit, then SIGKILL.
end_pid() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null
}
# The pids of this cluster's job processes left behind (slurmstepd and the
# job's tasks, which outlive slurmd when a step hangs): those whose
# environment names this test's SLURM_CONF and that are slurmstepd or carry
# a job id (the test's own shell has no SLURM_JOB_ID).
job_leftovers() {
  local dir pid environment
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    environment=$(cat "$dir/environ" 2>/dev/null | tr '\0' '\n')
    grep -qxF "SLURM_CONF=$SLURM_CONF" <<<"$environment" || continue
    if [ "$(cat "$dir/comm" 2>/dev/null)" = slurmstepd ] ||
       grep -q '^SLURM_JOB_ID=' <<<"$environment"; then
      echo "$pid"
    fi
  done
}
# Stops whatever this test started: jobs first, then the daemons by the pids
# recorded when they started, then any job process left behind.
stop_cluster() {
  if [ -f "$cluster/slurmctld.pid.started" ]; then
    scancel --user "$(id -un)" >/dev/null 2>&1
    for _ in $(seq 50); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  local daemon pid
  for daemon in slurmd slurmctld munged; do
    [ -f "$cluster/$daemon.pid.started" ] || continue
    pid=$(cat "$cluster/$daemon.pid.started")
    end_pid "$pid"
    wait "$pid" 2>/dev/null
  done
  for pid in $(job_leftovers); do
    echo "stopping a job process left behind: $pid ($(cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' '))"
    end_pid "$pid"
  done
}
trap 'stop_cluster; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# skip REASON [LOG...]: SLURM cannot start here; says why and exits 77.
skip() {
  echo "SKIP: $1"
  local log
  for log in "${@:2}"; do
    [ -s "$log" ] && { echo "--- last lines of $log:"; tail -n 15 "$log"; }
  done
  exit "$skipped"
}

for program in munged slurmctld slurmd sbatch srun sinfo squeue scancel scontrol; do
  command -v "$program" >/dev/null ||
    PATH="$PATH:/usr/sbin:/sbin" command -v "$program" >/dev/null ||
    skip "no $program program (Debian: slurm-wlm and munge)"
done
PATH="$PATH:/usr/sbin:/sbin"

# A TCP port on 127.0.0.1 that nothing listens on (a connection is refused).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
       ! (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  return 1
}
port=$(free_port) || skip "no free TCP port pair on 127.0.0.1"

# munge: a key of our own and a daemon on a socket in the temporary directory.
if command -v mungekey >/dev/null; then
  mungekey --create --keyfile="$cluster/munge/munge.key" >/dev/null 2>&1
else
  dd if=/dev/urandom of="$cluster/munge/munge.key" bs=1024 count=1 2>/dev/null
fi
chmod 400 "$cluster/munge/munge.key"
munged --foreground --force --socket="$cluster/munge/socket" \
  --key-file="$cluster/munge/munge.key" --pid-file="$cluster/munge/munged.pid" \
  --seed-file="$cluster/munge/seed" --log-file="$cluster/log/munged.log" \
  >"$cluster/log/munged.out" 2>&1 &
echo $! >"$cluster/munged.pid.started"
for _ in $(seq 50); do
  [ -S "$cluster/munge/socket" ] && break
  kill -0 "$(cat "$cluster/munged.pid.started")" 2>/dev/null || break
  sleep 0.1
done
[ -S "$cluster/munge/socket" ] || skip "munged did not start" "$cluster/log/munged.out"

# One node (this host) with at least the 2 CPUs the job asks for (on a
# 1-CPU machine config_overrides lets slurmd take the configured count), one
# partition; the daemons run as the user running the test, so it works as
# root and as anyone else.
node=$(hostname -s)
user=$(id -un)
cpus=$(nproc)
[ "$cpus" -ge 2 ] || cpus=2
cat >"$SLURM_CONF" <<EOF
ClusterName=pledgesim-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$cluster/munge/socket
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/log/slurmctld.log
SlurmdLogFile=$cluster/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
KillWait=2
SlurmdParameters=config_overrides
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=100 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=10 State=UP
EOF
slurmctld -D >"$cluster/log/slurmctld.out" 2>&1 &
echo $! >"$cluster/slurmctld.pid.started"
slurmd -D -N "$node" >"$cluster/log/slurmd.out" 2>&1 &
echo $! >"$cluster/slurmd.pid.started"
up=0
for _ in $(seq 100); do
  if [ "$(sinfo -h -n "$node" -o %T 2>/dev/null)" = idle ]; then up=1; break; fi
  for daemon in slurmctld slurmd; do
    kill -0 "$(cat "$cluster/$daemon.pid.started")" 2>/dev/null ||
      skip "$daemon exited at start" "$cluster/log/$daemon.out" "$cluster/log/$daemon.log"
  done
  sleep 0.2
done
[ "$up" -eq 1 ] || skip "the node did not become idle within 20 s (state: $(sinfo -h -o %T 2>&1))" \
  "$cluster/log/slurmctld.log" "$cluster/log/slurmd.log"
echo "one-node cluster up: $node, $cpus CPUs, slurmctld port $port"
check "srun offers the pmix MPI plugin (srun --mpi=list)" \
  bash -c 'srun --mpi=list 2>&1 | grep -qw pmix'

# The README's sweep, made small: 2 Saltelli base samples (10 runs of 5 years).
sed -e "s|^scenario = \"pledge_base.toml\"|scenario = \"$source_dir/scenarios/sweeps/pledge_base.toml\"|" \
    -e 's|^samples = 64 |samples = 2 |' \
  "$source_dir/scenarios/sweeps/pledge_levers.toml" >"$work/pledge_levers.toml"
check "the small sweep points at the base scenario and has 2 base samples" \
  bash -c "grep -q '^scenario = \"/' '$work/pledge_levers.toml' && grep -q '^samples = 2 ' '$work/pledge_levers.toml'"

# The README's batch script: the ```sh block with #SBATCH lines, on one node
# with 2 tasks of 1 CPU, this build's program, the small sweep, 1 thread.
awk '/^## Sweeps and sensitivity/ {found = 1} found && /^```sh/ {inside = 1; block = ""; next}
     inside && /^```/ {inside = 0; if (block ~ /#SBATCH/) {printf "%s", block; exit}; next}
     inside {block = block $0 "\n"}' "$readme" >"$work/readme_job.sh"
check "the README has a batch script with #SBATCH and srun" \
  bash -c "grep -q '^#SBATCH' '$work/readme_job.sh' && grep -q '^srun ' '$work/readme_job.sh'"
sed -e 's|^#SBATCH .*|#SBATCH --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=00:02:00|' \
    -e "s|\./build/release/app/pledgesim|$bin|" \
    -e "s|scenarios/sweeps/pledge_levers.toml|$work/pledge_levers.toml|" \
    -e 's|--threads [0-9]*|--threads 1|' \
  "$work/readme_job.sh" >"$work/job.sh"
check "the batch script runs this build's program on the small sweep" \
  bash -c "grep -qF '$bin sweep' '$work/job.sh' && grep -qF '$work/pledge_levers.toml' '$work/job.sh' &&
           grep -qF '\$SCRATCH/pledge_levers.h5' '$work/job.sh'"

# run_job NAME SCRIPT: submits SCRIPT with $SCRATCH at $work/NAME and waits
# for its end (polling squeue; at most 60 s), then checks that it ended with
# exit 0 on 2 MPI ranks and wrote the single-process sweep's file.
run_job() {
  local name=$1 script=$2 id state="" started
  mkdir -p "$work/$name"
  started=$(date +%s)
  id=$(cd "$work" && SCRATCH="$work/$name" sbatch --parsable --output="$work/$name.out" "$script" 2>&1)
  if ! [[ "$id" =~ ^[0-9]+$ ]]; then
    fail "$name: sbatch refused the script: $id"
    return
  fi
  for _ in $(seq 300); do
    [ -z "$(squeue -h -j "$id" 2>/dev/null)" ] && break
    sleep 0.2
  done
  state=$(scontrol show job "$id" 2>/dev/null | grep -o 'JobState=[A-Z_]* .*\|ExitCode=[0-9:]*' | tr '\n' ' ')
  echo "--- $name: job $id ($state) after $(($(date +%s) - started)) s; its output:"
  cat "$work/$name.out" 2>/dev/null
  check "$name: the job completes with exit 0" grep -q 'JobState=COMPLETED .*ExitCode=0:0' <<<"$state"
  check "$name: its sweep ran as 2 MPI ranks" grep -q 'on 2 MPI ranks' "$work/$name.out"
  if [ -f "$work/$name/pledge_levers.h5" ]; then
    check "$name: its file equals the single-process sweep's" \
      "$python" "$here/h5_same.py" "$work/single.h5" "$work/$name/pledge_levers.h5"
  else
    fail "$name: the job wrote no \$SCRATCH/pledge_levers.h5"
    echo "--- slurmctld.log:"; tail -n 20 "$cluster/log/slurmctld.log"
    echo "--- slurmd.log:"; tail -n 20 "$cluster/log/slurmd.log"
  fi
}

"$bin" sweep "$work/pledge_levers.toml" --out "$work/single.h5" --threads 1 --quiet
check "the single-process sweep exits 0" [ $? -eq 0 ]
echo "--- the README's batch script as submitted:"; cat "$work/job.sh"
run_job srun-pmix "$work/job.sh"
# The same job started by mpirun inside the allocation, as docs/sweeps.md
# shows for a cluster without SLURM's pmix plugin (OpenMPI takes its ranks
# from SLURM; it refuses root without --allow-run-as-root).
as_root=$([ "$(id -u)" -eq 0 ] && echo "--allow-run-as-root ")
sed "s|^srun --mpi=pmix |mpirun $as_root--bind-to none |" "$work/job.sh" >"$work/job-mpirun.sh"
if grep -q '^mpirun ' "$work/job-mpirun.sh"; then
  run_job mpirun "$work/job-mpirun.sh"
else
  fail "the README's script has no 'srun --mpi=pmix' line to start by mpirun instead"
fi
finish "slurm: "
