# Sourced by the benchmarks: the folder cargo builds release binaries into. .cargo/config.toml
# names the host as the build target (for a static link), so that is target/<host tuple>/release.
release_dir() {
    echo "${CARGO_TARGET_DIR:-target}/$(rustc --print host-tuple)/release"
}
