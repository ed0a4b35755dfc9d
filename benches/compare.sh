#!/usr/bin/env bash
# gongwen against Typst on the same machine and fonts: the seed report (PDF + DOCX for gongwen,
# PDF for Typst) in a fresh process, and per document in a batch of 100 (gongwen: one process
# over a folder of different reports; Typst: one reused compiler, over the seed with one figure
# changed each time, and over 100 reports that differ as gongwen's do). Prints medians of
# wall-clock and CPU time (CPU time is the fairer figure on a shared machine), peak memory, and
# the ratios. The fresh-process runs of gongwen and Typst take turns, so that both meet the
# machine at the same speed.
#   benches/compare.sh            RUNS=20 by default; BATCH=100
# Typst comes from `pip install typst` (its Python binding); without it only gongwen is timed.
# benches/typst/alxa-left-banner-2019.typ is the seed written for Typst (benches/typst/make-seed.py).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
batch=${BATCH:-100}
cargo build --release --quiet
bin=target/release/gongwen
seed=samples/alxa-left-banner-2019.yaml
typ=benches/typst/alxa-left-banner-2019.typ
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs each command N times, taking turns (one run of each, then the next round), and prints
# for each, on a line of its own, the medians of wall and CPU time (ms) and the largest peak RSS
# (KiB). Commands are separated by `:::`. Taking turns puts the commands through the same
# swings of the machine's speed, which on the build machine are ±10 % within an hour. Timed by
# Python to the microsecond (GNU time's 10 ms steps are a fifth of a build).
measure() {
    local n=$1
    shift
    python3 - "$n" "$@" <<'PY'
import os, statistics, subprocess, sys, time
n, words = int(sys.argv[1]), sys.argv[2:]
commands = [[]]
for word in words:
    if word == ":::":
        commands.append([])
    else:
        commands[-1].append(word)
results = [([], [], 0) for _ in commands]
for _ in range(n):
    for i, command in enumerate(commands):
        walls, cpus, peak = results[i]
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(child.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
        results[i] = (walls, cpus, max(peak, usage.ru_maxrss))
for walls, cpus, peak in results:
    print(f"{statistics.median(walls):.1f} {statistics.median(cpus):.1f} {peak}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
have_typst=$(python3 -c 'import typst' 2>/dev/null && echo yes || echo no)
# The cold builds of gongwen and Typst (and Python's own start-up, taken off Typst's) take turns.
if [ "$have_typst" = yes ]; then
    { read -r g_wall g_cpu g_rss; read -r p_wall p_cpu _; read -r t_wall t_cpu t_rss; } < <(measure "$runs" \
        "$bin" build "$seed" -o "$tmp/g" ::: \
        python3 -c 'import typst' ::: \
        python3 -c "import typst; typst.compile('$typ', output='$tmp/t.pdf', font_paths=['fonts'], ignore_system_fonts=True)")
else
    read -r g_wall g_cpu g_rss < <(measure "$runs" "$bin" build "$seed" -o "$tmp/g")
fi
printf 'gongwen, seed (PDF + DOCX), fresh process: %7.1f ms wall %7.1f ms CPU  peak %d KiB\n' "$g_wall" "$g_cpu" "$g_rss"
printf 'gongwen seed PDF: %d bytes\n' "$(stat -c %s "$tmp/g/alxa-left-banner-2019.pdf")"

benches/make-batch.sh "$tmp/batch" "$batch"
read -r b_wall b_cpu b_rss < <(measure 3 "$bin" build "$tmp/batch" -o "$tmp/gb")
printf 'gongwen, batch of %d (one process, all cores): %7.1f ms wall %7.1f ms CPU per document  peak %d KiB\n' \
    "$batch" "$(echo "$b_wall / $batch" | bc -l)" "$(echo "$b_cpu / $batch" | bc -l)" "$b_rss"

if [ "$have_typst" != yes ]; then
    echo "Typst not installed (pip install typst): no comparison"
    exit 0
fi
t_wall=$(echo "$t_wall - $p_wall" | bc -l)
t_cpu=$(echo "$t_cpu - $p_cpu" | bc -l)
printf 'Typst %s, seed (PDF), fresh process, less Python start-up: %7.1f ms wall %7.1f ms CPU  peak %d KiB\n' \
    "$(python3 -c 'import typst; print(typst.__version__)')" "$t_wall" "$t_cpu" "$t_rss"
# The reused compiler: each document differs in one figure, as the batch's documents do.
cat >"$tmp/batch.py" <<PY
import time, typst
source = open("$typ", encoding="utf-8").read()
compiler = typst.Compiler(font_paths=["fonts"], ignore_system_fonts=True)
compiler.compile(input=source.encode(), format="pdf")  # warm-up: fonts and caches
start, cpu = time.perf_counter(), time.process_time()
for i in range($batch):
    compiler.compile(input=source.replace("2502", str(3000 + i)).encode(), format="pdf")
print((time.perf_counter() - start) * 1000 / $batch, (time.process_time() - cpu) * 1000 / $batch)
PY
read -r tb_wall tb_cpu < <(python3 "$tmp/batch.py")
printf 'Typst, batch of %d (reused compiler, warm): %7.1f ms wall %7.1f ms CPU per document\n' "$batch" "$tb_wall" "$tb_cpu"
# Like for like: each document differs from the others where gongwen's batch documents do
# (benches/make-batch.sh): the office's name (title, metadata, signature), the figure in the
# text and figures in the tables, so Typst's memoised layout hits only where they agree.
cat >"$tmp/batch-different.py" <<PY
import time, typst
source = open("$typ", encoding="utf-8").read()
compiler = typst.Compiler(font_paths=["fonts"], ignore_system_fonts=True)
compiler.compile(input=source.encode(), format="pdf")  # warm-up: fonts and caches
def report(i):
    s = source.replace("阿拉善左旗人民政府", f"阿拉善左旗第{i}局").replace(" 2502 條", f" {2000 + i} 條")
    for old, new in (("[169]", 100 + i), ("[21634]", 20000 + 3 * i), ("[4931]", 4000 + i), ("[1722]", 1000 + i)):
        s = s.replace(old, f"[{new}]")
    return s.encode()
start, cpu = time.perf_counter(), time.process_time()
for i in range(1, $batch + 1):
    compiler.compile(input=report(i), format="pdf")
print((time.perf_counter() - start) * 1000 / $batch, (time.process_time() - cpu) * 1000 / $batch)
PY
read -r td_wall td_cpu < <(python3 "$tmp/batch-different.py")
printf 'Typst, batch of %d different reports (reused compiler, warm): %7.1f ms wall %7.1f ms CPU per document\n' "$batch" "$td_wall" "$td_cpu"
echo "ratios (Typst / gongwen):"
printf '  fresh process: %5.1f× wall, %5.1f× CPU\n' "$(echo "$t_wall / $g_wall" | bc -l)" "$(echo "$t_cpu / $g_cpu" | bc -l)"
printf '  batch, per document: %5.1f× wall, %5.1f× CPU\n' \
    "$(echo "$tb_wall / ($b_wall / $batch)" | bc -l)" "$(echo "$tb_cpu / ($b_cpu / $batch)" | bc -l)"
printf '  batch of different reports, per document: %5.1f× wall, %5.1f× CPU\n' \
    "$(echo "$td_wall / ($b_wall / $batch)" | bc -l)" "$(echo "$td_cpu / ($b_cpu / $batch)" | bc -l)"
# Other work on the machine inflates wall-clock times most: say how loaded it was throughout.
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
