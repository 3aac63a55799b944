# Sourced by scripts/serve and scripts/test: make .venv and install Porch into it, skipping what is already
# up to date so that a second run starts at once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi

# Reinstall only when the package definition changed.
install_extras() {
    local extras=$1 stamp=".venv/.porch-installed-$1"
    local wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "Installing Porch and its dependencies into .venv ..."
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
        echo "$wanted" > "$stamp"
    fi
}
