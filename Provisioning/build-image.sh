#!/usr/bin/env bash
# Builds the root filesystem of a Permanence box: a minimal Debian 12 (debootstrap) with the kiosk
# installed by install.sh --root, its units enabled, and nothing specific to one box (no machine id,
# no keys, no token). The result is a directory and a tarball to lay onto a board's root partition
# (see Provisioning/README.md, "Build an image").
#
#   sudo Provisioning/build-image.sh --output /srv/permanence-rootfs [--arch amd64|arm64]
#        [--suite bookworm] [--mirror URL] [--binary PATH] [--tarball FILE]
#
# Needs root (debootstrap, file ownership) and the Debian mirror. For an arm64 board from an x86 host,
# add qemu-user-static and binfmt-support (debootstrap then runs the second stage through qemu) and
# build the kiosk for arm64 on an arm64 machine (Swift does not cross-compile here).
set -euo pipefail
cd "$(dirname "$0")/.."

OUTPUT="" ARCH="$(dpkg --print-architecture)" SUITE=bookworm MIRROR=http://deb.debian.org/debian BINARY="" TARBALL=""
while [ $# -gt 0 ]; do
    case "$1" in
        --output) OUTPUT="$2"; shift 2 ;;
        --arch) ARCH="$2"; shift 2 ;;
        --suite) SUITE="$2"; shift 2 ;;
        --mirror) MIRROR="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --tarball) TARBALL="$2"; shift 2 ;;
        *) echo "build-image.sh: unknown option $1 (expected --output DIR, --arch, --suite, --mirror, --binary, --tarball)" >&2; exit 2 ;;
    esac
done
[ -n "$OUTPUT" ] || { echo "build-image.sh: give --output DIR (the root filesystem to build)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "build-image.sh: run as root (debootstrap and file ownership need it)" >&2; exit 2; }
[ -e "$OUTPUT" ] && [ -n "$(ls -A "$OUTPUT" 2>/dev/null)" ] && { echo "build-image.sh: $OUTPUT is not empty" >&2; exit 2; }

. tools/lib.sh
ensure_packages debootstrap
if [ -z "$BINARY" ]; then
    ensure_packages "${BUILD_PACKAGES[@]}" fonts-noto-core
    ensure_swift
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product kiosk -q
    BINARY=.build-static/release/kiosk
fi

# What a box runs: systemd, CUPS (with filters for IPP Everywhere queues), libusb and SQLite, the console
# font, and nothing graphical (DECISIONS.md).
PACKAGES=systemd,systemd-sysv,udev,dbus,ca-certificates,cups,cups-client,cups-filters,libusb-1.0-0,libsqlite3-0,libharfbuzz0b,libharfbuzz-subset0,libdeflate0,zlib1g,kbd,console-setup,console-setup-linux,iproute2,ifupdown,isc-dhcp-client,openssh-server
debootstrap --variant=minbase --arch="$ARCH" --include="$PACKAGES" "$SUITE" "$OUTPUT" "$MIRROR"

Provisioning/install.sh --root "$OUTPUT" --binary "$BINARY" --no-packages

# Units enabled offline; getty stays on the other consoles for technicians.
systemctl --root="$OUTPUT" enable permanence-provision.service permanence-kiosk.service permanence-purge.timer cups.service
# Nothing that belongs to one box: each board makes its machine id at first boot, its keys at enrolment.
: > "$OUTPUT/etc/machine-id"
rm -f "$OUTPUT/var/lib/dbus/machine-id" "$OUTPUT"/etc/ssh/ssh_host_*
echo permanence > "$OUTPUT/etc/hostname"
# SSH host keys are made at first boot too.
cat > "$OUTPUT/etc/systemd/system/regenerate-ssh-host-keys.service" <<'UNIT'
[Unit]
Description=Make this box's own SSH host keys
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
Before=ssh.service

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
UNIT
systemctl --root="$OUTPUT" enable regenerate-ssh-host-keys.service
apt-get -o RootDir="$OUTPUT" clean 2>/dev/null || rm -rf "$OUTPUT"/var/cache/apt/archives/*.deb

if [ -n "$TARBALL" ]; then
    tar --numeric-owner --xattrs -C "$OUTPUT" -czf "$TARBALL" .
    echo "root filesystem: $OUTPUT, tarball: $TARBALL"
else
    echo "root filesystem: $OUTPUT"
fi
