# Sourced by scripts: installs the real clients that
# crates/openwork-cli/tests/real_clients.rs drives (the OpenCode JS SDK and
# openwork-orchestrator, pinned in tests/clients/package.json and its lock)
# into tests/clients/node_modules with `npm ci`, when missing or when the lock
# changed since the last install; exports OPENWORK_TEST_CLIENTS (that folder).
# The TUI test also needs tmux (.ci/run installs it).
clients_dir="$PWD/tests/clients"
if ! cmp -s "$clients_dir/package-lock.json" "$clients_dir/node_modules/.installed-lock.json" 2>/dev/null; then
  echo "== installing the pinned test clients into $clients_dir/node_modules (npm ci)" >&2
  (cd "$clients_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$clients_dir/package-lock.json" "$clients_dir/node_modules/.installed-lock.json"
fi
export OPENWORK_TEST_CLIENTS="$clients_dir"
