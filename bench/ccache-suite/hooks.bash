# Sourced by ccache's test/run (the harness lists it last in its copy's CMakeLists.txt, so it is
# read after test/run's own functions and after every suite); never run as a suite itself.
#
# ccache's runner stops at the first failed expectation. For a count per test this file changes
# three things and nothing else:
# - a failed expectation is recorded (the first reason counts) and the test goes on, instead of
#   ending the whole run; the next TEST starts from a fresh cache and run directory as before;
# - every TEST, and the end of every suite, is written to $BENCH_RESULTS (tab-separated lines:
#   START|FAIL|END, suite, test, reason), so a test cut short by a timeout has no END;
# - before each TEST removes the cache directory, and after each suite, $BENCH_STOP_SERVERS (when
#   set) stops the cache servers the tests started under this run's test directory;
# - with BENCH_FIRST and BENCH_LAST (1-based, in the order the suite runs its tests), only those
#   tests are measured: the ones before run with $BENCH_SKIP_CCACHE (the real ccache, fast) and
#   are not recorded, and the run ends after BENCH_LAST. A long suite can so be split into parts
#   that run side by side.

: "${BENCH_RESULTS:?BENCH_RESULTS names the results file}"

declare -A bench_seen=()
bench_current=
bench_index=0
bench_measured_ccache=$CCACHE

bench_record() { # KIND [REASON]
    local reason=${2-}
    reason=${reason//$'\t'/ }
    reason=${reason//$'\n'/ | }
    printf '%s\t%s\t%s\t%s\n' "$1" "$CURRENT_SUITE" "$bench_current" "${reason:0:400}" >>"$BENCH_RESULTS"
}

bench_end_test() {
    if [ -n "$bench_current" ]; then
        bench_record END
    fi
    bench_current=
}

bench_stop_servers() {
    if [ -n "${BENCH_STOP_SERVERS:-}" ]; then
        "$BENCH_STOP_SERVERS" "$ABS_TESTDIR"
    fi
}

test_failed_internal() {
    local line
    line=$(caller 1)
    line=${line%% *}
    echo
    echo "FAILED: $CURRENT_SUITE / $CURRENT_TEST (line $line): $1"
    bench_record FAIL "line $line: $1"
}

eval "bench_ccache_TEST() $(declare -f TEST | tail -n +2)"
TEST() {
    bench_end_test
    bench_stop_servers
    # A test name that a loop repeats with the same text gets its ordinal.
    local n=$((${bench_seen["$CURRENT_SUITE/$1"]:-0} + 1))
    bench_seen["$CURRENT_SUITE/$1"]=$n
    bench_current=$1
    if [ "$n" -gt 1 ]; then
        bench_current="$1 (#$n)"
    fi
    bench_index=$((bench_index + 1))
    if [ -n "${BENCH_LAST:-}" ] && [ "$bench_index" -gt "$BENCH_LAST" ]; then
        bench_current=
        exit 0
    fi
    if [ "$bench_index" -lt "${BENCH_FIRST:-1}" ]; then
        CCACHE=$BENCH_SKIP_CCACHE
        bench_current=
    else
        CCACHE=$bench_measured_ccache
        bench_record START
    fi
    bench_ccache_TEST "$@"
}

eval "bench_ccache_run_suite() $(declare -f run_suite | tail -n +2)"
run_suite() {
    bench_ccache_run_suite "$@"
    local rc=$?
    bench_end_test
    bench_stop_servers
    return $rc
}
