#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 10s) and
# prints the executions each made. Packages run FUZZJOBS at a time (default:
# the number of CPUs), the targets of one package one after another, so
# that each package's instrumented test binary is built once. A crash stops
# the run once the packages under way end; its input is left in the
# package's testdata/fuzz/<Target>/ to be kept as a regression case once
# fixed.
#
#   scripts/fuzz.sh                 # every target, 10s each
#   FUZZTIME=2m scripts/fuzz.sh     # longer
#   FUZZJOBS=1 scripts/fuzz.sh      # one package at a time
#   scripts/fuzz.sh FuzzPDF         # targets whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
FUZZJOBS=${FUZZJOBS:-$(nproc 2>/dev/null || echo 2)}
match=${1:-.}
# Minimising a new input is capped at 20 executions (FUZZMINIMIZETIME):
# the default, a minute an input, leaves the zip-based targets minimising
# nearly all the time.
# Each target runs with one worker by default (FUZZPARALLEL), so FUZZJOBS
# packages at once keep that many CPUs busy; the fuzzing machines are
# shared.
FUZZPARALLEL=${FUZZPARALLEL:-1}

# fuzz_one runs one target and prints its line, or its output and a FAIL
# line; it fails when the target does.
fuzz_one() {
	local dir=$1 target=$2 out ok=false
	# The go command can report its own FUZZTIME deadline as a failure when
	# the deadline lands while it is stopping its workers. Such a run found
	# nothing (a crash always writes its input), so the target runs again,
	# up to three times in all, before the failure counts.
	for attempt in 1 2 3; do
		if out=$($GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "${FUZZMINIMIZETIME:-20x}" -parallel "$FUZZPARALLEL" "./${dir#./}" 2>&1); then
			ok=true
			break
		fi
		if ! grep -q 'context deadline exceeded' <<<"$out" || grep -q 'Failing input written' <<<"$out"; then
			break
		fi
		echo "./$dir $target: the go command reported its own deadline (attempt $attempt); running it again"
	done
	if ! $ok; then
		echo "$out"
		echo "FAIL ./$dir $target"
		return 1
	fi
	local execs
	execs=$(echo "$out" | grep -oE 'execs: [0-9]+' | tail -1 | grep -oE '[0-9]+' || echo 0)
	printf '%-28s %-24s %10s execs in %s\n' "./$dir" "$target" "$execs" "$FUZZTIME"
}

# fuzz_package runs the matching targets of one package in turn, stopping
# at the first that fails. Its output is printed whole when it ends, so
# that packages running at once do not interleave their lines.
fuzz_package() {
	local dir=$1 target
	shift
	for target in "$@"; do
		fuzz_one "$dir" "$target" || return 1
	done
}

declare -A targets
dirs=()
while read -r dir target; do
	[[ $target =~ $match ]] || continue
	[[ -v targets[$dir] ]] || dirs+=("$dir")
	targets[$dir]+=" $target"
done < <(grep -rEo --include='*_test.go' --exclude-dir=.bin --exclude-dir=.git '^func Fuzz[A-Za-z0-9_]*' . |
	sed -E 's#^\./(.*/)?[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*).*#\1 \2#; s#^/? #. #; s#/ # #' | sort -u)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A log
failed=0
running=0
n=0
# reap waits for one package to end and prints its output.
reap() {
	local pid status=0
	wait -n -p pid || status=$?
	cat "${log[$pid]}"
	[[ $status -eq 0 ]] || failed=1
	running=$((running - 1))
}
for dir in "${dirs[@]}"; do
	[[ $failed -eq 0 ]] || break
	# shellcheck disable=SC2086 # the targets are words
	n=$((n + 1))
	fuzz_package "$dir" ${targets[$dir]} >"$logs/$n" 2>&1 &
	log[$!]=$logs/$n
	running=$((running + 1))
	if [[ $running -ge $FUZZJOBS ]]; then
		reap
	fi
done
while [[ $running -gt 0 ]]; do
	reap
done
exit $failed
