# Sourced by scripts: exports OPENCODE_BIN, installing the pinned OpenCode
# (npm package opencode-ai) into .tools/opencode when needed.
OPENCODE_VERSION=1.18.33
if [ -z "${OPENCODE_BIN:-}" ]; then
  prefix="$PWD/.tools/opencode"
  find_bin() {
    for b in "$prefix"/node_modules/opencode-linux-x64/bin/opencode \
             "$prefix"/node_modules/opencode-linux-arm64/bin/opencode \
             "$prefix"/node_modules/opencode-darwin-arm64/bin/opencode \
             "$prefix"/node_modules/opencode-darwin-x64/bin/opencode \
             "$prefix"/node_modules/.bin/opencode; do
      if [ -x "$b" ]; then echo "$b"; return 0; fi
    done
    return 1
  }
  bin=$(find_bin || true)
  if [ -z "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "$OPENCODE_VERSION" ]; then
    echo "== installing opencode-ai@$OPENCODE_VERSION into $prefix" >&2
    mkdir -p "$prefix"
    npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "opencode-ai@$OPENCODE_VERSION" >&2
    bin=$(find_bin)
  fi
  export OPENCODE_BIN="$bin"
fi
