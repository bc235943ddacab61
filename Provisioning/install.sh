#!/usr/bin/env bash
# Installs a built `kiosk` onto a Debian system, or into DIR as a root (for tests and image building).
#
#   Provisioning/install.sh [--root DIR] [--binary PATH] [--no-packages]
#
# - a system user `permanence` (no login shell), in the `lp` group;
# - /usr/bin/kiosk; the content under /usr/share/permanence (rules, questionnaires, directory,
#   territory, samples, printing);
# - /etc/permanence/kiosk.yaml (configuration, kept on upgrade), /var/lib/permanence (data, 0700, kept);
# - systemd units (first-boot enrolment and kiosk on tty1, hourly purge), a udev rule for the configured ticket printer;
# - a `technician` account (SSH keys only, journal, sudo limited to the box's commands), a quiet console;
# - on a real system (no --root): the Debian packages it needs, the CUPS queue, units enabled.
# Idempotent: a second run changes nothing; an upgrade keeps data and configuration.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=/
BINARY=""
PACKAGES=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --no-packages) PACKAGES=no; shift ;;
        *) echo "install.sh: unknown option $1 (expected --root DIR, --binary PATH, --no-packages)" >&2; exit 2 ;;
    esac
done
ROOT="${ROOT%/}"
if [ -z "$BINARY" ]; then
    for candidate in .build-static/release/kiosk .build/release/kiosk .build/debug/kiosk; do
        if [ -x "$candidate" ]; then BINARY="$candidate"; break; fi
    done
fi
[ -x "$BINARY" ] || { echo "install.sh: no built kiosk found; build it (swift build -c release --static-swift-stdlib) or give --binary" >&2; exit 2; }
# The sync agent is built beside the kiosk (the kiosk links no network code and runs it).
SYNC_BINARY="$(dirname "$BINARY")/kiosk-sync"
[ -x "$SYNC_BINARY" ] || { echo "install.sh: no kiosk-sync beside $BINARY; build it too (swift build ... --product kiosk-sync)" >&2; exit 2; }

USER_NAME=permanence
changed=0

# add_line FILE NAME LINE: appends LINE to DIR's passwd/group/shadow-like FILE unless an entry NAME is there.
add_line() {
    local file="$1" name="$2" line="$3"
    [ -f "$file" ] || : > "$file"
    if ! grep -q "^$name:" "$file"; then echo "$line" >> "$file"; changed=1; fi
}

# The system user. With --root, written into DIR/etc/passwd and group (fixed ids); else useradd.
if [ -z "$ROOT" ]; then
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/permanence --no-create-home --shell /usr/sbin/nologin --user-group "$USER_NAME"
        changed=1
    fi
    getent group lp >/dev/null && usermod -aG lp "$USER_NAME"
    # The sound card for reading aloud (the unit adds the group too; this lets kiosk doctor and kiosk speak use it).
    getent group audio >/dev/null && usermod -aG audio "$USER_NAME"
    USER_ID=$(id -u "$USER_NAME"); GROUP_ID=$(id -g "$USER_NAME")
else
    mkdir -p "$ROOT/etc"
    add_line "$ROOT/etc/passwd" "$USER_NAME" "$USER_NAME:x:990:990:Permanence kiosk:/var/lib/permanence:/usr/sbin/nologin"
    add_line "$ROOT/etc/group" "$USER_NAME" "$USER_NAME:x:990:"
    # A member of audio (the sound card for reading aloud), when the image has that group.
    if grep -q '^audio:' "$ROOT/etc/group" && ! grep -Eq "^audio:[^:]*:[^:]*:(.*,)?$USER_NAME(,|$)" "$ROOT/etc/group"; then
        awk -v user="$USER_NAME" -F: 'BEGIN { OFS = ":" } $1 == "audio" { $4 = ($4 == "" ? user : $4 "," user) } { print }' \
            "$ROOT/etc/group" > "$ROOT/etc/group.new" && cat "$ROOT/etc/group.new" > "$ROOT/etc/group" && rm -f "$ROOT/etc/group.new"
    fi
    USER_ID=990; GROUP_ID=990
fi

# The technician's account: SSH with a key only (no password: `*` in shadow), the journal through the
# systemd-journal group, sudo limited to the box's commands (Provisioning/box/sudoers-technician).
TECH=technician
if [ -z "$ROOT" ]; then
    if ! id "$TECH" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash --comment "Permanence technician" "$TECH"
        usermod -p '*' "$TECH"
        changed=1
    fi
    if getent group systemd-journal >/dev/null && ! id -nG "$TECH" | grep -qw systemd-journal; then
        usermod -aG systemd-journal "$TECH"; changed=1
    fi
else
    add_line "$ROOT/etc/passwd" "$TECH" "$TECH:x:991:991:Permanence technician:/home/$TECH:/bin/bash"
    add_line "$ROOT/etc/group" "$TECH" "$TECH:x:991:"
    [ -f "$ROOT/etc/shadow" ] || { : > "$ROOT/etc/shadow"; chmod 640 "$ROOT/etc/shadow"; }
    add_line "$ROOT/etc/shadow" "$TECH" "$TECH:*:19000:0:99999:7:::"
    if grep -q "^systemd-journal:" "$ROOT/etc/group" && ! grep -Eq "^systemd-journal:[^:]*:[^:]*:(.*,)?$TECH(,|$)" "$ROOT/etc/group"; then
        sed -i -E "s/^(systemd-journal:[^:]*:[^:]*:)(.+)$/\1\2,$TECH/; s/^(systemd-journal:[^:]*:[^:]*:)$/\1$TECH/" "$ROOT/etc/group"
        changed=1
    fi
    if [ ! -d "$ROOT/home/$TECH" ]; then
        mkdir -p "$ROOT/home/$TECH"; chmod 750 "$ROOT/home/$TECH"; chown 991:991 "$ROOT/home/$TECH"; changed=1
    fi
fi

# put SOURCE DEST MODE UID GID: copies only when the content differs; fixes mode and owner only when they differ.
put() {
    local source="$1" dest="$2" mode="$3" uid="$4" gid="$5"
    mkdir -p "$(dirname "$dest")"
    if [ ! -f "$dest" ] || ! cmp -s "$source" "$dest"; then
        cp "$source" "$dest"
        changed=1
    fi
    settle "$dest" "$mode" "$uid" "$gid"
}

# settle PATH MODE UID GID
settle() {
    local path="$1" mode="$2" uid="$3" gid="$4"
    if [ "$(stat -c %a "$path")" != "$mode" ]; then chmod "$mode" "$path"; changed=1; fi
    if [ "$(stat -c %u:%g "$path")" != "$uid:$gid" ]; then chown "$uid:$gid" "$path"; changed=1; fi
}

directory() {
    local path="$1" mode="$2" uid="$3" gid="$4"
    if [ ! -d "$path" ]; then mkdir -p "$path"; changed=1; fi
    settle "$path" "$mode" "$uid" "$gid"
}

# Binary and content.
put "$BINARY" "$ROOT/usr/bin/kiosk" 755 0 0
put "$SYNC_BINARY" "$ROOT/usr/bin/kiosk-sync" 755 0 0
directory "$ROOT/usr/share/permanence" 755 0 0
for sub in rules questionnaires texts directory territory samples; do
    while IFS= read -r -d '' file; do
        relative="${file#Kiosk/}"
        directory "$(dirname "$ROOT/usr/share/permanence/$relative")" 755 0 0
        put "$file" "$ROOT/usr/share/permanence/$relative" 644 0 0
    done < <(find "Kiosk/$sub" -type f ! -name 'README.md' -print0 | sort -z)
done
while IFS= read -r -d '' file; do
    relative="${file#Printing/}"
    directory "$(dirname "$ROOT/usr/share/permanence/printing/$relative")" 755 0 0
    put "$file" "$ROOT/usr/share/permanence/printing/$relative" 644 0 0
done < <(find Printing -type f ! -name 'README.md' -print0 | sort -z)
# The fonts documents embed (Noto Sans, SIL Open Font License, from Debian's fonts-noto-core on the machine that
# installs): copied with their licence, so a box prints every script without the whole 44 MB package. Noto Sans
# Symbols is the screen's (foot's) fallback for ⓘ.
directory "$ROOT/usr/share/permanence/fonts" 755 0 0
for font in NotoSans-Regular.ttf NotoSans-Bold.ttf NotoSansArabic-Regular.ttf NotoSansArabic-Bold.ttf NotoSansSymbols-Regular.ttf NotoSansSymbols-Bold.ttf; do
    if [ -f "/usr/share/fonts/truetype/noto/$font" ]; then
        put "/usr/share/fonts/truetype/noto/$font" "$ROOT/usr/share/permanence/fonts/$font" 644 0 0
    else
        echo "install.sh: warning: /usr/share/fonts/truetype/noto/$font not found (install fonts-noto-core): documents will transliterate" >&2
    fi
done
if [ -f /usr/share/doc/fonts-noto-core/copyright ]; then
    put /usr/share/doc/fonts-noto-core/copyright "$ROOT/usr/share/permanence/fonts/LICENSE-Noto" 644 0 0
fi

# The graphical display: the script that chooses it (cage and foot, or the console), foot's configuration and the
# documents' fonts as fontconfig fallbacks.
directory "$ROOT/usr/share/permanence/display" 755 0 0
put Provisioning/display/foot.ini "$ROOT/usr/share/permanence/display/foot.ini" 644 0 0
put Provisioning/display/fonts.conf "$ROOT/etc/fonts/conf.d/60-permanence.conf" 644 0 0

# Configuration (kept on upgrade) and data (0700, kept). The kiosk group may write the configuration
# file (not the directory) so that first-boot enrolment can erase the one-time token it used; the
# kiosk service itself sees /etc read-only (ProtectSystem=strict).
directory "$ROOT/etc/permanence" 750 0 "$GROUP_ID"
if [ ! -f "$ROOT/etc/permanence/kiosk.yaml" ]; then
    put Provisioning/kiosk.yaml "$ROOT/etc/permanence/kiosk.yaml" 660 0 "$GROUP_ID"
else
    settle "$ROOT/etc/permanence/kiosk.yaml" 660 0 "$GROUP_ID"
fi
directory "$ROOT/var/lib/permanence" 700 "$USER_ID" "$GROUP_ID"

# systemd units.
for unit in Provisioning/systemd/*; do
    put "$unit" "$ROOT/etc/systemd/system/$(basename "$unit")" 644 0 0
done

# The technician's keys (gathered at boot by permanence-technician-keys.service), SSH and sudo for that account,
# and a console that shows only kernel errors.
put Provisioning/box/technician-keys "$ROOT/usr/lib/permanence/technician-keys" 755 0 0
put Provisioning/display/kiosk-display "$ROOT/usr/lib/permanence/kiosk-display" 755 0 0
settle "$ROOT/usr/lib/permanence" 755 0 0
# Under /etc/ssh (not /etc/permanence, 0750): sshd reads a user's keys with that user's rights.
directory "$ROOT/etc/ssh/authorized_keys" 755 0 0
if [ ! -f "$ROOT/etc/ssh/authorized_keys/technician" ]; then
    : > "$ROOT/etc/ssh/authorized_keys/technician"; changed=1
fi
settle "$ROOT/etc/ssh/authorized_keys/technician" 644 0 0
put Provisioning/box/sshd-technician.conf "$ROOT/etc/ssh/sshd_config.d/permanence-technician.conf" 644 0 0
put Provisioning/box/sudoers-technician "$ROOT/etc/sudoers.d/permanence-technician" 440 0 0
put Provisioning/box/sysctl-quiet-console.conf "$ROOT/etc/sysctl.d/20-permanence-quiet-console.conf" 644 0 0
put Provisioning/box/limits-permanence.conf "$ROOT/etc/security/limits.d/permanence.conf" 644 0 0

# udev: the kiosk user may use the configured ticket printer, and only that device.
ticket=$(sed -n 's/^ticket_printer:[[:space:]]*"\{0,1\}\([0-9a-fA-F]\{4\}:[0-9a-fA-F]\{4\}\)"\{0,1\}.*/\1/p' "$ROOT/etc/permanence/kiosk.yaml")
rule=$(mktemp)
if [ -n "$ticket" ]; then
    printf 'SUBSYSTEM=="usb", ATTR{idVendor}=="%s", ATTR{idProduct}=="%s", MODE="0660", GROUP="permanence"\n' \
        "$(echo "${ticket%%:*}" | tr A-F a-f)" "$(echo "${ticket##*:}" | tr A-F a-f)" > "$rule"
else
    echo '# No ticket_printer in /etc/permanence/kiosk.yaml: no USB device is given to the kiosk.' > "$rule"
fi
put "$rule" "$ROOT/etc/udev/rules.d/70-permanence-ticket-printer.rules" 644 0 0
rm -f "$rule"

# The console in UTF-8 with the large Terminus font that has Latin, Romanian and Cyrillic (the kiosk unit loads
# the same font and starts after console-setup, so nothing reloads an 8-bit font under it).
console=$(mktemp)
cat > "$console" <<'CONSOLE'
# Written by Permanence's install.sh: UTF-8, Terminus bold 16x32 with the Uni2 set (Latin, Romanian, Cyrillic).
ACTIVE_CONSOLES="/dev/tty[1-6]"
CHARMAP="UTF-8"
CODESET="Uni2"
FONTFACE="TerminusBold"
FONTSIZE="16x32"
VIDEOMODE=
CONSOLE
put "$console" "$ROOT/etc/default/console-setup" 644 0 0
rm -f "$console"

if [ -z "$ROOT" ]; then
    if [ "$PACKAGES" = yes ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends cups cups-client libusb-1.0-0 libsqlite3-0 libharfbuzz0b libharfbuzz-subset0 libdeflate0 libfribidi0 zlib1g kbd console-setup console-setup-linux sudo openssh-client espeak-ng alsa-utils \
            cage seatd foot xwayland fonts-dejavu-core fontconfig >/dev/null
    fi
    # CUPS: the configured printer as the default queue (IPP Everywhere when the printer supports it).
    printer=$(sed -n 's/^printer:[[:space:]]*"\{0,1\}\([^"#]*\)"\{0,1\}.*/\1/p' /etc/permanence/kiosk.yaml | tr -d ' ')
    case "$printer" in
        ipp://*|ipps://*)
            if ! lpstat -p permanence >/dev/null 2>&1; then
                lpadmin -p permanence -E -v "$printer" -m everywhere 2>/dev/null || lpadmin -p permanence -E -v "$printer"
                lpadmin -d permanence
                changed=1
            fi ;;
    esac
    systemctl daemon-reload
    udevadm control --reload-rules 2>/dev/null || true
    systemctl enable --quiet permanence-provision.service permanence-kiosk.service permanence-sync.service permanence-purge.timer permanence-technician-keys.service
    systemctl enable --quiet seatd.service 2>/dev/null || true
fi

if [ "$changed" = 1 ]; then echo "Permanence installed in ${ROOT:-/}."; else echo "Permanence already up to date in ${ROOT:-/}: nothing changed."; fi
