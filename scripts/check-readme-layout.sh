#!/usr/bin/env bash
# Checks README.md's "## Layout" block against the repository, so that it cannot go stale:
# fails if a folder listed there does not exist, or if a folder under Sources/ or
# Sources/AsyncKafka/ is not listed. Each line of the block starts with a folder path
# from the repository root, ending in "/"; the rest of the line is its description.
#
#   ./scripts/check-readme-layout.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The first fenced block after the "## Layout" heading.
listed="$(awk '/^## Layout$/ { section = 1; next }
               section && /^```/ { if (block) exit; block = 1; next }
               block { print $1 }' README.md)"
if [ -z "$listed" ]; then
    echo "check-readme-layout.sh: README.md has no \"## Layout\" block" >&2
    exit 1
fi

status=0
while read -r folder; do
    if [ ! -d "$folder" ]; then
        echo "check-readme-layout.sh: README.md lists $folder, which does not exist" >&2
        status=1
    fi
done <<< "$listed"
for folder in Sources/*/ Sources/AsyncKafka/*/; do
    if ! grep -qxF "$folder" <<< "$listed"; then
        echo "check-readme-layout.sh: $folder is missing from README.md's layout" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "check-readme-layout.sh: README.md's layout matches the folders"
exit "$status"
