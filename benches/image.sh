#!/usr/bin/env bash
# Times `reglint check` on a 4 GB sparse VHDX holding a SYSTEM hive against `reglint check` on
# the bare hive (issue 14: at most 3 x).
#
#   benches/image.sh [release-dir]
#
# The hive is the corpus's regipy SYSTEM when $REGLINT_CORPUS is set, else the README's demo
# hive. The image is built in a temporary folder (never committed): a 4 GB sparse raw disk with
# a GPT and one NTFS partition over all of it, the hive copied into
# Windows/System32/config through ntfs-3g (FUSE, as root), converted with `qemu-img convert -O
# vhdx`. release-dir holds an already built `reglint`; without it the script builds one. With
# KEEP_IMAGE set, the temporary folder is kept (for profiling) and its path printed.
#
# Needs hyperfine, mkntfs and ntfs-3g (ntfs-3g), sgdisk (gdisk), qemu-img (qemu-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
for tool in hyperfine mkntfs ntfs-3g sgdisk qemu-img; do
    command -v "$tool" >/dev/null || { echo "benches/image.sh: $tool is not installed" >&2; exit 2; }
done
hive=fixtures/demo/golden-image.SYSTEM
if [ -n "${REGLINT_CORPUS:-}" ] && [ -f "$REGLINT_CORPUS/hives/regipy/SYSTEM" ]; then
    hive="$REGLINT_CORPUS/hives/regipy/SYSTEM"
fi
release=${1:-}
if [ -z "$release" ]; then
    cargo build --release --quiet --bin reglint
    release="$(release_dir)"
fi
reglint="$release/reglint"
[ -x "$reglint" ] || { echo "benches/image.sh: $reglint is not built" >&2; exit 2; }

work=$(mktemp -d)
trap 'umount "$work/mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${KEEP_IMAGE:-}" ]; then
    trap 'umount "$work/mnt" 2>/dev/null || true; echo "kept $work"' EXIT
fi
disk="$work/disk.raw"
truncate -s 4G "$disk"
sgdisk -o -n 1:2048:0 -t 1:0700 "$disk" >/dev/null
start=$((2048 * 512))
end=$(sgdisk -i 1 "$disk" | sed -nE 's/^Last sector: ([0-9]+).*/\1/p')
volume="$work/volume.ntfs"
truncate -s $(( (end - 2048 + 1) * 512 )) "$volume"
mkntfs -F -f -q "$volume" >/dev/null 2>&1
mkdir "$work/mnt"
ntfs-3g "$volume" "$work/mnt"
mkdir -p "$work/mnt/Windows/System32/config"
cp "$hive" "$work/mnt/Windows/System32/config/SYSTEM"
umount "$work/mnt"
# Copy the volume into the partition, keeping holes (the NTFS volume is almost all zeros).
dd if="$volume" of="$disk" bs=1M seek=$((start / 1048576)) conv=notrunc,sparse status=none
rm "$volume"
qemu-img convert -f raw -O vhdx "$disk" "$work/golden.vhdx"
rm "$disk"
mkdir "$work/bare"
cp "$hive" "$work/bare/SYSTEM"
echo "hive: $hive ($(stat -c %s "$hive") bytes); image: 4 GB virtual, $(du -k "$work/golden.vhdx" | cut -f1) kB allocated"
hyperfine --warmup 3 --min-runs 20 -N --ignore-failure \
    "$reglint check $work/bare/SYSTEM" \
    "$reglint check $work/golden.vhdx"
