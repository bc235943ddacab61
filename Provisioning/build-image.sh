#!/usr/bin/env bash
# Builds the root filesystem of a Permanence box: a minimal Debian 12 (debootstrap) with the kiosk
# installed by install.sh --root, its units enabled, and nothing specific to one box (no machine id,
# no keys, no token). The result is a directory and a tarball to lay onto a board's root partition
# (see Provisioning/README.md, "Build an image").
#
#   sudo Provisioning/build-image.sh --output /srv/permanence-rootfs [--arch amd64|arm64]
#        [--suite bookworm] [--mirror URL] [--binary PATH] [--tarball FILE]
#        [--kernel] [--disk FILE [--disk-size 3G]] [--technician-key FILE.pub]
#
# --kernel adds Debian's kernel (linux-image-ARCH, with its initramfs) for boxes booted from this tree (x86-64
# mini PCs; the boot test). --disk makes an ext4 disk image of the tree without loop devices (mkfs.ext4 -d),
# labelled `permanence`, which /etc/fstab mounts as /. --technician-key puts an SSH public key for the
# `technician` account into the image (else: technician_ssh_key in kiosk.yaml, or permanence-technician.pub on
# the boot partition).
#
# Needs root (debootstrap, file ownership) and the Debian mirror. For an arm64 board from an x86 host,
# add qemu-user-static and binfmt-support (debootstrap then runs the second stage through qemu) and
# build the kiosk for arm64 on an arm64 machine (Swift does not cross-compile here).
set -euo pipefail
cd "$(dirname "$0")/.."

OUTPUT="" ARCH="$(dpkg --print-architecture)" SUITE=bookworm MIRROR=http://deb.debian.org/debian BINARY="" TARBALL=""
KERNEL=no DISK="" DISK_SIZE=3G TECHNICIAN_KEY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --output) OUTPUT="$2"; shift 2 ;;
        --arch) ARCH="$2"; shift 2 ;;
        --suite) SUITE="$2"; shift 2 ;;
        --mirror) MIRROR="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --tarball) TARBALL="$2"; shift 2 ;;
        --kernel) KERNEL=yes; shift ;;
        --disk) DISK="$2"; shift 2 ;;
        --disk-size) DISK_SIZE="$2"; shift 2 ;;
        --technician-key) TECHNICIAN_KEY="$2"; shift 2 ;;
        *) echo "build-image.sh: unknown option $1 (expected --output DIR, --arch, --suite, --mirror, --binary, --tarball, --kernel, --disk FILE, --disk-size, --technician-key FILE)" >&2; exit 2 ;;
    esac
done
[ -n "$OUTPUT" ] || { echo "build-image.sh: give --output DIR (the root filesystem to build)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "build-image.sh: run as root (debootstrap and file ownership need it)" >&2; exit 2; }
[ -e "$OUTPUT" ] && [ -n "$(ls -A "$OUTPUT" 2>/dev/null)" ] && { echo "build-image.sh: $OUTPUT is not empty" >&2; exit 2; }
if [ -n "$TECHNICIAN_KEY" ] && ! ssh-keygen -l -f "$TECHNICIAN_KEY" >/dev/null 2>&1; then
    echo "build-image.sh: --technician-key $TECHNICIAN_KEY is not an SSH public key (ssh-keygen -l cannot read it)" >&2; exit 2
fi

. tools/lib.sh
ensure_packages debootstrap
[ -n "$DISK" ] && ensure_packages e2fsprogs
if [ -z "$BINARY" ]; then
    ensure_packages "${BUILD_PACKAGES[@]}" fonts-noto-core
    ensure_swift
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product kiosk -q
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product kiosk-sync -q
    BINARY=.build-static/release/kiosk
fi

# What a box runs: systemd (networkd for DHCP on the wired port, resolved for names), CUPS (with filters for IPP Everywhere queues), libusb and SQLite, the console font, SSH and sudo for the
# technician, and the graphical kiosk terminal: cage (with the Xwayland it insists on, and seatd to open the card
# and the input devices) running foot, with DejaVu Sans Mono (DECISIONS.md: the display path).
PACKAGES=systemd,systemd-sysv,systemd-resolved,udev,dbus,ca-certificates,cups,cups-client,cups-filters,libusb-1.0-0,libsqlite3-0,libharfbuzz0b,libharfbuzz-subset0,libdeflate0,libfribidi0,zlib1g,kbd,console-setup,console-setup-linux,iproute2,openssh-server,sudo,espeak-ng,alsa-utils,cage,seatd,foot,xwayland,fonts-dejavu-core,fontconfig
[ "$KERNEL" = yes ] && PACKAGES="$PACKAGES,linux-image-$ARCH"
debootstrap --variant=minbase --arch="$ARCH" --include="$PACKAGES" "$SUITE" "$OUTPUT" "$MIRROR"

Provisioning/install.sh --root "$OUTPUT" --binary "$BINARY" --no-packages

# The wired network by DHCP (any Ethernet port), names through resolved; waiting for it at boot is bounded so a box
# without a cable still reaches its first-boot screen within 20 s.
mkdir -p "$OUTPUT/etc/systemd/network" "$OUTPUT/etc/systemd/system/systemd-networkd-wait-online.service.d"
cat > "$OUTPUT/etc/systemd/network/20-wired.network" <<'NETWORK'
[Match]
Type=ether

[Network]
DHCP=yes
NETWORK
cat > "$OUTPUT/etc/systemd/system/systemd-networkd-wait-online.service.d/permanence.conf" <<'WAIT'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=20
WAIT
ln -sf ../run/systemd/resolve/stub-resolv.conf "$OUTPUT/etc/resolv.conf"
# The journal kept on disk (bounded), so a technician, or the boot test, reads what happened at the last boot.
mkdir -p "$OUTPUT/var/log/journal" "$OUTPUT/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=persistent\nSystemMaxUse=64M\n' > "$OUTPUT/etc/systemd/journald.conf.d/permanence.conf"
# SSH: keys only, no root (the technician's own rules are in sshd_config.d/permanence-technician.conf).
mkdir -p "$OUTPUT/etc/ssh/sshd_config.d"
printf '# Written by build-image.sh: keys only, never root.\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\n' \
    > "$OUTPUT/etc/ssh/sshd_config.d/10-permanence.conf"
if [ -n "$TECHNICIAN_KEY" ]; then
    install -m 644 -o 0 -g 0 "$TECHNICIAN_KEY" "$OUTPUT/etc/ssh/authorized_keys/technician"
fi

# Units enabled offline; getty stays on the other consoles for technicians.
systemctl --root="$OUTPUT" enable permanence-provision.service permanence-kiosk.service permanence-sync.service permanence-purge.timer \
    permanence-technician-keys.service cups.service systemd-networkd.service systemd-resolved.service seatd.service
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

if [ "$KERNEL" = yes ] || [ -n "$DISK" ]; then
    echo "LABEL=permanence / ext4 defaults,noatime,errors=remount-ro 0 1" > "$OUTPUT/etc/fstab"
fi
if [ -n "$DISK" ]; then
    rm -f "$DISK"
    mkfs.ext4 -q -F -L permanence -d "$OUTPUT" "$DISK" "$DISK_SIZE"
    echo "disk image: $DISK (ext4, label permanence)"
fi
if [ -n "$TARBALL" ]; then
    tar --numeric-owner --xattrs -C "$OUTPUT" -czf "$TARBALL" .
    echo "root filesystem: $OUTPUT, tarball: $TARBALL"
else
    echo "root filesystem: $OUTPUT"
fi
