#!/usr/bin/env python3
"""Checks the workspace's Cargo profiles (Cargo.toml): `dist` must put back at opt-level 3 every
crate that `release` optimises less, since a custom profile inherits its parent's per-package
overrides, and a crate left out would stay at release's level in production builds."""
import pathlib
import sys
import tomllib

manifest = pathlib.Path(__file__).resolve().parent.parent / "Cargo.toml"
profiles = tomllib.loads(manifest.read_text())["profile"]
release = profiles["release"].get("package", {})
dist = profiles["dist"]
problems = []
if dist.get("inherits") != "release":
    problems.append("dist must inherit release")
lowered = {name for name, o in release.items() if o.get("opt-level", profiles["release"]["opt-level"]) != 3}
restored = {name for name, o in dist.get("package", {}).items() if o.get("opt-level") == 3}
problems += [f"dist does not put {name} back at opt-level 3" for name in sorted(lowered - restored)]
problems += [f"dist restores {name}, which release does not lower" for name in sorted(restored - lowered)]
for problem in problems:
    print(f"{manifest}: {problem}", file=sys.stderr)
print(f"profiles: release lowers {len(lowered)} crates, dist restores them all" if not problems else "profiles: FAILED")
sys.exit(1 if problems else 0)
