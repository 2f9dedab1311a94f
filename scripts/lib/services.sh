# shellcheck shell=bash
# Shared helpers for scripts/pg-cluster, scripts/kafka and scripts/debezium (sourced, not run).
# Each script sets PROG (its name, for messages) before sourcing this file.

# The real interpreter, resolved once (a pyenv shim costs ~100 ms per call).
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)}

die() { echo "$PROG: $*" >&2; exit 1; }

# abs_path PATH: absolute, normalised path (need not exist yet).
abs_path() { realpath -m -- "$1"; }

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  "$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# port_free PORT: success when 127.0.0.1:PORT can be bound (SO_REUSEADDR, like the servers do).
port_free() {
  "$PY" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()' "$1"
}

# port_open PORT: success when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PID MARKER: success when PID runs and its command line contains MARKER
# (guards against acting on a recycled PID).
pid_alive() {
  local pid=$1 marker=$2
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  local state
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# stop_pid PID MARKER TIMEOUT_S: SIGTERM, wait up to TIMEOUT_S, then SIGKILL and wait.
# Returns 0 once the process is gone. Prints "killed" on stderr when SIGKILL was needed.
stop_pid() {
  local pid=$1 marker=$2 timeout=$3 i
  pid_alive "$pid" "$marker" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 20; i++)); do
    pid_alive "$pid" "$marker" || return 0
    sleep 0.05
  done
  echo "$PROG: pid $pid did not stop within ${timeout}s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    pid_alive "$pid" "$marker" || return 0
    sleep 0.05
  done
  die "pid $pid survived SIGKILL"
}

# lock_dir DIR: serialises start/stop on one DIR (fd 9, released at exit). Close fd 9 (9>&-) for
# anything started in the background, or it would hold the lock.
lock_dir() {
  mkdir -p "$1"
  exec 9>>"$1/.lock"
  flock -w 120 9 || die "timed out waiting for the lock on $1"
}

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }
