#!/usr/bin/env bash
# Proves that a new api-version needs configuration only: in a scratch copy of this checkout,
# adds a copy of 2025-12-01 under another version name with one `[[api_version]]` entry in
# specs/api-versions.toml and one feature line in generated/Cargo.toml, then runs
# `cargo xtask generate` and `cargo test --workspace`. No Rust file is edited.
#
# Usage: scripts/add-version-copy.sh [new-version]   (default 2099-12-01)
# Needs $AZURE_REST_API_SPECS (or the default sibling checkout). Builds in the scratch copy's
# own target dir (xtask bakes its repository path in at compile time, so sharing ./target would
# regenerate this checkout instead); the scratch copy is removed afterwards unless KEEP=1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
new="${1:-2099-12-01}"
module="v${new//-/_}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/azml-version-copy.XXXXXX")"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="$scratch/target"
if [ -z "${AZURE_REST_API_SPECS:-}" ]; then
  export AZURE_REST_API_SPECS="$repo/../azure-rest-api-specs"
fi

echo "== scratch copy: $scratch"
tar -C "$repo" --exclude=./target --exclude=./.git -cf - . | tar -C "$scratch" -xf -

echo "== config entry + feature line for $new ($module)"
cat >> "$scratch/specs/api-versions.toml" <<TOML

[[api_version]]
version = "$new"
spec_version = "2025-12-01"
TOML
sed -i "s/^all-versions = \[\]$/&\n$module = []/" "$scratch/generated/Cargo.toml"
grep -q "^$module = \[\]" "$scratch/generated/Cargo.toml"

cd "$scratch"
echo "== cargo xtask generate"
cargo xtask generate
test -f "generated/src/$module/client.rs"
echo "== cargo test --workspace"
cargo test --workspace
echo "== ok: $new added by configuration only"
