# Shared by tools/demo and tools/test: system packages and the Swift toolchain.
# Sourced, not run.

# Installs the Debian packages given as arguments when one is missing.
# Quiet when everything is already there; apt-get as root, or through sudo.
ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing system packages: ${missing[*]}" >&2
    local run=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            run=(sudo)
        else
            echo "error: these Debian packages are missing and this user cannot install them: ${missing[*]}" >&2
            echo "       run this command as root, or install them with: apt-get install ${missing[*]}" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! "${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        "${run[@]}" apt-get update -qq >/dev/null
        "${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Puts the Swift toolchain on PATH (it lives in /opt/swift on the project's machines).
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "error: no Swift toolchain: install Swift 6 (expected at /opt/swift)" >&2
            exit 1
        fi
    fi
}

# What building the package needs on a fresh Debian 12 machine.
# SwiftPM fetches the dependencies with git (from the machine's local copies); the printing
# code links libcups and libusb; GRDB links the system SQLite.
# Documents shape and embed fonts with HarfBuzz (libharfbuzz-dev, with hb-subset) and compress with libdeflate;
# the fonts they embed are Noto Sans (fonts-noto-core). Right-to-left text is laid out with GNU FriBidi (libfribidi-dev).
BUILD_PACKAGES=(git pkg-config libsqlite3-dev libcups2-dev libusb-1.0-0-dev libharfbuzz-dev libdeflate-dev zlib1g-dev libfribidi-dev fonts-noto-core)
