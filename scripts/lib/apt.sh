# Shell functions for the scripts that install Debian packages (scripts/install-deps.sh,
# scripts/fuzz.sh); sourced, not run: `. "$(dirname "$0")/lib/apt.sh"`.

# Prints those of the packages PKG... that dpkg does not list as installed, one a line.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# Installs the packages PKG... with apt-get (through sudo unless root); none: does nothing.
apt_install() {
  [ $# -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
