# Shell helpers shared by the benchmark scripts (sourced, not run).

# start_server BINARY DATA_DIR LOG: starts `astrocloud serve` on an ephemeral loopback port in the
# background, waits until it listens, and sets SERVER_PID and SERVER_URL. Stopping it is the
# caller's job (kill "$SERVER_PID").
start_server() {
  local bin="$1" data="$2" log="$3"
  ASTROCLOUD_LOG=warn "$bin" --data-dir "$data" serve --bind 127.0.0.1:0 >"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL=""
  for _ in $(seq 1 200); do
    SERVER_URL=$(sed -n 's/^listening \(http:[^ ]*\)$/\1/p' "$log" | head -1)
    [[ -n "$SERVER_URL" ]] && return 0
    sleep 0.2
  done
  kill "$SERVER_PID" 2>/dev/null
  cat "$log" >&2
  return 1
}

# astrocloud_binary [GIVEN]: sets BIN_PATH to GIVEN when it is set, else builds the server with
# $PROFILE (cargo's output on stderr) into $CARGO_TARGET_DIR and sets BIN_PATH to the result.
astrocloud_binary() {
  if [[ -n "${1:-}" ]]; then
    BIN_PATH="$1"
  else
    cargo build --locked --profile "$PROFILE" -p astrocloud
    local dir
    dir=$([[ "$PROFILE" == dev ]] && echo debug || echo "$PROFILE")
    BIN_PATH="$CARGO_TARGET_DIR/$dir/astrocloud"
  fi
}
