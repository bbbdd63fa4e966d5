#!/usr/bin/env bash
# Cold start, as a new user meets it: seconds from `make run` to the first answer on the REST
# webhook, with the install already done and no model trained yet (issue 13's target: 4 min),
# and, with --fresh, from `git clone` through `make install` as well.
#
#   bench/cold_start.sh [--fresh] [REPO]   # REPO: what to clone (default: this checkout)
#
# Writes bench/results/cold_start.json (--fresh: cold_start_fresh.json) of the checkout the
# script lives in. The clone, its var/ and its .venv are under a temporary directory; without
# --fresh the clone's .venv is a symlink to this checkout's, so "install already done" means
# exactly that.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
fresh=0
command="bench/cold_start.sh"
result="cold_start.json"
if [[ "${1:-}" == "--fresh" ]]; then
  fresh=1; command+=" --fresh"; result="cold_start_fresh.json"; shift
fi
repo="${1:-$here}"
work="$(mktemp -d /tmp/candor-cold.XXXXXX)"
port="${CANDOR_RASA_PORT:-5005}"
cleanup() {  # Ctrl-C, as a user stops it: `candor run` then stops every process it started
  [[ -n "${run_pid:-}" ]] || return 0
  kill -INT -- "-$run_pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 -- "-$run_pid" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$run_pid" 2>/dev/null; true
}
trap cleanup EXIT

git clone --quiet "$repo" "$work/candor"
cd "$work/candor"
install_seconds=null
keep=()
if (( fresh )); then
  start=$(date +%s)
  make install
  install_seconds=$(( $(date +%s) - start ))
else
  # The install already done is this checkout's .venv; the clone's files are newer than its
  # stamp, so make is told not to remake it (-o) rather than reinstall into a shared venv.
  ln -s "$here/.venv" .venv
  keep=(-o .venv/.candor-installed)
fi

if curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/"; then
  echo "something already listens on port $port: stop it first"; exit 1
fi
start=$(date +%s)
set -m
CANDOR_HOME="$work/var" make "${keep[@]}" run > "$work/run.log" 2>&1 &
run_pid=$!
set +m
answer=""
for _ in $(seq 1 1800); do  # at most 30 minutes
  answer=$(curl -s -m 60 -X POST -H 'Content-Type: application/json' \
    -d '{"sender": "cold-start", "message": "hello"}' \
    "http://127.0.0.1:$port/webhooks/rest/webhook" || true)
  [[ "$answer" == \[\{* ]] && break
  kill -0 "$run_pid" 2>/dev/null || { echo "make run exited:"; tail -20 "$work/run.log"; exit 1; }
  sleep 1
done
run_seconds=$(( $(date +%s) - start ))
[[ "$answer" == \[\{* ]] || { echo "no answer within 30 minutes"; exit 1; }
trained=$(grep -o 'trained in [0-9]*s' "$work/run.log" | head -1 || true)
echo "first answer ${run_seconds}s after make run (${trained:-no training}); install: ${install_seconds} s"
cat > "$here/bench/results/$result" <<JSON
{
  "command": "$command",
  "measured_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$(git rev-parse --short HEAD)",
  "make_run_to_first_answer_seconds": $run_seconds,
  "training": "${trained:-none}",
  "install_seconds": $install_seconds,
  "load_average_at_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
  "cpus": $(nproc)
}
JSON
