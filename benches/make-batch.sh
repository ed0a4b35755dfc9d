#!/usr/bin/env bash
# Writes N annual-report inputs (default 1000) into FOLDER, made from the seed's template input
# (samples/alxa-left-banner-2019-data.yaml) with a different office and different figures in
# each; BROKEN=K (default 0) of them get a misspelt field, so a batch shows its failures.
#   benches/make-batch.sh FOLDER [N]
set -euo pipefail
out=${1:?usage: make-batch.sh FOLDER [N]}
n=${2:-1000}
broken=${BROKEN:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
seed="$root/samples/alxa-left-banner-2019-data.yaml"
mkdir -p "$out"
for i in $(seq 1 "$n"); do
    a=$((i % 97)) b=$((i * 7 % 13)) c=$((i % 5)) d=$((i % 3))
    file="$out/report-$(printf %04d "$i").yaml"
    # The 勾稽关系 hold: what was received (new) is what was disclosed, nothing carried over.
    sed -e "s/^office: .*/office: 阿拉善左旗第${i}局/" \
        -e "/^title: /d" \
        -e "s/^  new: \[0, 0,/  new: [$a, $b,/" \
        -e "s/^  disclosed: \[0, 0,/  disclosed: [$a, $b,/" \
        -e "s/^  licensing: .*/  licensing: [$((100 + i)), \"+$((i % 50))\", $((20000 + 3 * i))]/" \
        -e "s/^  penalties: .*/  penalties: [$((4000 + i)), -$((i % 300)), $((1000 + i))]/" \
        -e "s/^reviews: .*/reviews: [$c, 1, 0, 0, auto, $d, 0, 0, 0, auto, 1, 0, 0, 0, auto]/" \
        -e "s/2502 條/$((2000 + i)) 條/" \
        "$seed" >"$file"
    if [ "$i" -le "$broken" ]; then
        sed -i 's/^office: /offise: /' "$file"
    fi
done
