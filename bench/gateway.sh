#!/usr/bin/env bash
# `jwtbench gateway` against nginx and Apache httpd with mod_auth_openidc, on loopback, in
# one run: the cells are interleaved round by round and each figure is the median over the
# rounds; ratios are the median of the ratios within a round (bench/NOTES.md's method).
# Timings on this shared 2-core VM are noisy: read the ratios, never the absolute figures.
#
#   1   wrk -> nginx, a small static 200 (the ceiling; the upstream of every other cell)
#   2   wrk -> nginx reverse proxy (keep-alive upstream) -> 1: the cost of a proxy hop
#   3   wrk -> jwtbench gateway -> 1, distinct RS256 tokens: a full validation per request
#   4   wrk -> jwtbench gateway -> 1, 16 repeated tokens (--repeated), the token cache on
#   5   wrk -> Apache + mod_auth_openidc (keys from certificate files) -> 1, the tokens of 3
#   5j  the same Apache with the keys from its JWKS URI (nginx serves it over TLS)
#
# Every cell at the same connection count, wrk with one thread (wrk shares the two cores)
# and the same Lua script sending `Authorization: Bearer <token>` (cell 4: the repeated
# tokens; every other cell the distinct ones), so the client costs the same everywhere.
# For each --threads value T: nginx worker_processes T, jwtbench gateway --threads T, and
# Apache (one process, a thread per connection) pinned to T CPUs when T < the core count.
#
#   bench/gateway.sh                      # 32 connections, 10 s cells, threads 1,2, 3 rounds
#   bench/gateway.sh --quick              # 2 s cells, 1 round: does the script work?
#   bench/gateway.sh --rss-minutes 5      # then cell 3 for 5 minutes: gateway RSS before/after
#   bench/gateway.sh --rss-minutes 5 --rounds 0     # the RSS run alone
#   JWTBENCH=path/to/jwtbench bench/gateway.sh      # that binary instead of building one
#
# Options: --connections N, --duration D (wrk syntax: 10s, 1m), --threads LIST, --rounds N,
# --tokens N (distinct tokens minted), --repeated N (cell 4's set), --cells LIST (of
# 1,2,3,4,5,5j), --rss-minutes N, --quick, --keep (keep the temp dir and print its path).
#
# Installs wrk, nginx, apache2 and libapache2-mod-auth-openidc when missing (as root; else
# prints the apt-get command and exits 2). Starts its own servers on free loopback ports,
# from configs generated into a temp dir (templates in bench/gateway/), and stops them all
# on exit, error or Ctrl-C. Writes reports/gateway-<UTC time>/ (summary.md, raw wrk
# outputs, the generated configs) and prints the table. Exit 0 done, 1 a check failed
# (a server refused a good token, accepted a bad one, or wrk saw errors), 2 bad usage or
# missing packages.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ASSETS=$HERE/gateway
HELPER=$ASSETS/helper.py

CONNECTIONS=32
DURATION=10s
THREADS=1,2
ROUNDS=3
TOKENS=4096
REPEATED=16
CELLS=1,2,3,4,5,5j
RSS_MINUTES=0
WARMUP=2s
KEEP=0

usage() {
    sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-2}"
}

die() {
    echo "gateway.sh: $*" >&2
    exit 2
}

while (($#)); do
    case "$1" in
        --connections) CONNECTIONS=${2:?}; shift 2 ;;
        --duration) DURATION=${2:?}; shift 2 ;;
        --threads) THREADS=${2:?}; shift 2 ;;
        --rounds) ROUNDS=${2:?}; shift 2 ;;
        --tokens) TOKENS=${2:?}; shift 2 ;;
        --repeated) REPEATED=${2:?}; shift 2 ;;
        --cells) CELLS=${2:?}; shift 2 ;;
        --rss-minutes) RSS_MINUTES=${2:?}; shift 2 ;;
        # Short enough to smoke-test the script in about a minute; the figures mean little.
        --quick) DURATION=2s; ROUNDS=1; TOKENS=512; WARMUP=1s; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage 0 ;;
        *) echo "gateway.sh: unknown argument '$1'" >&2; usage 2 ;;
    esac
done

[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "--connections must be a positive integer"
[[ $ROUNDS =~ ^[0-9]+$ ]] || die "--rounds must be an integer"
[[ $TOKENS =~ ^[1-9][0-9]*$ ]] || die "--tokens must be a positive integer"
[[ $REPEATED =~ ^[1-9][0-9]*$ && $REPEATED -le $TOKENS ]] || die "--repeated must be 1 to --tokens"
[[ $RSS_MINUTES =~ ^[0-9]+$ ]] || die "--rss-minutes must be an integer (minutes)"
[[ $DURATION =~ ^[1-9][0-9]*[smh]?$ ]] || die "--duration must look like 10s, 2m"
[[ $THREADS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--threads must be a list like 1,2"
IFS=, read -r -a THREAD_LIST <<<"$THREADS"
IFS=, read -r -a CELL_LIST <<<"$CELLS"
for cell in "${CELL_LIST[@]}"; do
    [[ $cell =~ ^(1|2|3|4|5|5j)$ ]] || die "--cells takes 1,2,3,4,5,5j (got '$cell')"
done
wants() { [[ ",$CELLS," == *",$1,"* ]]; }
# The soak of --rss-minutes is cell 3 at the largest thread count.
SOAK_THREADS=${THREAD_LIST[-1]}
((RSS_MINUTES == 0 || RSS_MINUTES <= 45)) ||
    die "--rss-minutes is at most 45: the minted tokens live one hour"

# --- packages ---------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
[[ -x /usr/sbin/apache2 ]] || missing+=(apache2)
[[ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]] || missing+=(libapache2-mod-auth-openidc)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v openssl >/dev/null || missing+=(openssl)
command -v taskset >/dev/null || missing+=(util-linux)
command -v ps >/dev/null || missing+=(procps)
if ((${#missing[@]})); then
    if (($(id -u) != 0)); then
        echo "gateway.sh: missing packages; as root run:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    echo "gateway.sh: installing ${missing[*]}" >&2
    # The packages' own nginx and apache2 services would start on port 80 with the /etc
    # defaults and stay behind; a policy-rc.d that says 101 keeps them from starting. Only
    # when there is none (containers often have one), and removed right after.
    made_policy_rc=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy_rc=1
    fi
    install_rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    } || install_rc=$?
    if ((made_policy_rc)); then
        rm -f /usr/sbin/policy-rc.d
        trap - EXIT
    fi
    ((install_rc == 0)) || die "apt-get install ${missing[*]} failed ($install_rc)"
fi

# --- the jwtbench binary ----------------------------------------------------------------
if [[ -n ${JWTBENCH:-} ]]; then
    BIN=$JWTBENCH
    BIN_ORIGIN="JWTBENCH=$JWTBENCH"
else
    command -v swift >/dev/null || die "no swift toolchain to build jwtbench; set JWTBENCH=path/to/jwtbench"
    echo "gateway.sh: building jwtbench (release) in $ROOT/.build-release" >&2
    . "$ROOT/scripts/release-flags.sh"
    (cd "$ROOT" && swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --scratch-path .build-release --product jwtbench >&2) ||
        die "swift build failed; set JWTBENCH=path/to/jwtbench to use a built binary"
    BIN=$ROOT/.build-release/release/jwtbench
    BIN_ORIGIN="built by this run with ${JWTBENCH_RELEASE_FLAGS[*]}"
fi
[[ -x $BIN ]] || die "no jwtbench binary at $BIN"
GATEWAY_MISSING=""
if ! "$BIN" gateway --help >/dev/null 2>&1; then
    GATEWAY_MISSING="$BIN has no gateway command"
    echo "gateway.sh: $GATEWAY_MISSING: cells 3 and 4 are unavailable" >&2
fi

# --- temp dir, processes and their cleanup ------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtbench-gateway.XXXXXX")
# nginx's workers (nobody) read the JWKS from here and Apache's children run as www-data:
# they must be able to enter it. It holds test-only public keys and test tokens.
chmod 755 "$WORK"
PIDS=()

# The pids of a process's children (nginx workers, Apache children), by parent pid.
children_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local rc=$? pid child i
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # nginx and Apache stop their workers themselves on TERM and the gateway drains
        # (--drain-timeout 2s); whatever is still there after 10 s is killed, children too.
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            for child in $(children_of "$pid"); do kill -KILL "$child" 2>/dev/null || true; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    if ((KEEP)); then
        echo "gateway.sh: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME LOG COMMAND...: runs COMMAND in the background (in the foreground itself, no
# daemon) and remembers its pid for cleanup; the pid is in STARTED.
start() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    STARTED=$!
    PIDS+=("$STARTED")
}

# wait_status PID URL CODE SECONDS: until URL answers CODE; fails early if PID is gone.
wait_status() {
    local pid=$1 url=$2 want=$3 deadline=$((SECONDS + $4)) code
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
        [[ $code == "$want" ]] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# status URL [TOKEN]: the HTTP status of a GET, with the token as a bearer token.
status() {
    if [[ -n ${2:-} ]]; then
        curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $2" "$1" || true
    else
        curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true
    fi
}

# fill TEMPLATE OUT KEY=VALUE...: the template with every @KEY@ replaced.
fill() {
    local template=$1 out=$2 pair key value text
    shift 2
    text=$(<"$template")
    for pair in "$@"; do
        key=${pair%%=*}
        value=${pair#*=}
        # The replacement quoted: bash 5.2 would read an unquoted & as the matched text.
        text=${text//@"$key"@/"$value"}
    done
    [[ ! $text =~ @[A-Z_]+@ ]] || die "unfilled placeholder ${BASH_REMATCH[0]} in $out"
    printf '%s\n' "$text" >"$out"
}

# cpu_ticks PID: user + system clock ticks of the process and its children so far.
cpu_ticks() {
    local total=0 p ticks
    for p in "$1" $(children_of "$1"); do
        # Fields after "pid (comm) ": utime and stime are the 12th and 13th.
        ticks=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || ticks=0
        total=$((total + ${ticks:-0}))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

rss_of() { awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
hwm_of() { awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$ROOT/reports/gateway-$STAMP
RAW=$REPORT/raw
mkdir -p "$RAW" "$REPORT/configs"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'started\t%s\nthreads\t%s\nload_start\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$THREADS" "$LOAD_START" >"$RAW/meta.tsv"
: >"$RAW/unavailable.tsv"
: >"$RAW/cpu.tsv"
: >"$RAW/rss.tsv"
unavailable() {
    printf '%s\t%s\n' "$1" "$2" >>"$RAW/unavailable.tsv"
    echo "gateway.sh: cell $1 unavailable: $2" >&2
}
is_unavailable() { grep -q "^$1	" "$RAW/unavailable.tsv"; }

# --- tokens and keys ------------------------------------------------------------------------
# Real time: Apache checks exp against its clock, and the gateway runs on the clock too.
mint_tokens() {
    local out=$1
    "$BIN" mint --out "$out" --seed 1 --now "$(date +%s)" --algs RS256 --variants good-plain \
        --count "$TOKENS" >&2
    # Only the tokens the standard policy allows (good-plain are all allow; this says so).
    python3 "$HELPER" allowed "$out/standard/tokens.txt" "$out/standard/expected.jsonl" >"$out/allowed.txt"
    (($(wc -l <"$out/allowed.txt") == TOKENS)) || die "mint gave $(wc -l <"$out/allowed.txt") allowed tokens, not $TOKENS"
}
echo "gateway.sh: minting $TOKENS RS256 tokens" >&2
mint_tokens "$WORK/mint"
DISTINCT=$WORK/tokens-distinct.txt
REPEATED_FILE=$WORK/tokens-repeated.txt
cp "$WORK/mint/allowed.txt" "$DISTINCT"
head -n "$REPEATED" "$DISTINCT" >"$REPEATED_FILE"
GOOD_FIRST=$(sed -n 1p "$DISTINCT")
GOOD_MIDDLE=$(sed -n "$(((TOKENS + 1) / 2))p" "$DISTINCT")
GOOD_LAST=$(sed -n "${TOKENS}p" "$DISTINCT")
TAMPERED=$(python3 "$HELPER" tamper "$GOOD_MIDDLE")
read -r ISSUER AUDIENCE < <(python3 "$HELPER" policy-values "$WORK/mint/standard/policy.yaml")

# One key set for both gateways: the public RS256 keys of the minted jwks.json (the gateway
# reads the file, Apache a certificate per key or the same file over its JWKS URI).
KEYS=$WORK/keys
mkdir -p "$KEYS"
mapfile -t KIDS < <(python3 "$HELPER" rsa-keys "$WORK/mint/jwks.json" "$KEYS/jwks.json" "$KEYS")
# A throwaway key signs the certificates: mod_auth_openidc reads only their public key.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$KEYS/ca.key" 2>/dev/null
CERT_FILES=()
for kid in "${KIDS[@]}"; do
    openssl asn1parse -genconf "$KEYS/$kid.genconf" -out "$KEYS/$kid.der" -noout >/dev/null
    openssl pkey -pubin -inform DER -in "$KEYS/$kid.der" -out "$KEYS/$kid.pub.pem"
    openssl x509 -new -key "$KEYS/ca.key" -force_pubkey "$KEYS/$kid.pub.pem" -subj "/CN=$kid" \
        -days 2 -out "$KEYS/$kid.crt" 2>/dev/null
    CERT_FILES+=("$kid#$KEYS/$kid.crt")
done
# The TLS certificate of the JWKS server, for 127.0.0.1; Apache trusts exactly this one.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$KEYS/tls.key" \
    -out "$KEYS/tls.crt" -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 755 "$KEYS"
chmod 644 "$KEYS"/*

# --- servers ------------------------------------------------------------------------------
# Ports per thread count: upstream, its TLS (JWKS), proxy, gateway 3 + admin, gateway 4 +
# admin, Apache 5, Apache 5j. All picked at once, so none twice.
mapfile -t PORTS < <(python3 "$HELPER" ports $((9 * ${#THREAD_LIST[@]})))
declare -A URL PID
NCPU=$(nproc)
check_failed=0

start_nginx() { # NAME TEMPLATE THREADS KEY=VALUE...
    local name=$1 template=$2 t=$3 dir=$WORK/$1
    shift 3
    mkdir -p "$dir"
    fill "$template" "$dir/nginx.conf" "DIR=$dir" "WORKERS=$t" "KEYS=$KEYS" "$@"
    cp "$dir/nginx.conf" "$REPORT/configs/$name.conf"
    # -e: errors before the config is read go to our log too, never to /var/log/nginx.
    nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" ||
        die "nginx refused $dir/nginx.conf (see $dir/error.log)"
    start "$dir/stdout.log" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
}

start_gateway() { # CELL THREADS UPSTREAM_PORT PORT ADMIN_PORT JWTBENCH_BLOCK
    local cell=$1 t=$2 up=$3 port=$4 admin=$5 block=$6 dir=$WORK/gateway-$1-t$2
    mkdir -p "$dir"
    fill "$ASSETS/policy.yaml.in" "$dir/policy.yaml" "ISSUER=$ISSUER" "AUDIENCE=$AUDIENCE" \
        "JWKS=$KEYS/jwks.json" "JWTBENCH=$block"
    cp "$dir/policy.yaml" "$REPORT/configs/gateway-$cell.policy.yaml"
    start "$dir/gateway.log" "$BIN" gateway --policy "$dir/policy.yaml" --upstream "http://127.0.0.1:$up" \
        --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" --threads "$t" --access-log off \
        --drain-timeout 2s
    PID[$cell/$t]=$STARTED
    URL[$cell/$t]=http://127.0.0.1:$port/
    if ! wait_status "$STARTED" "http://127.0.0.1:$admin/ready" 200 60; then
        tail -20 "$dir/gateway.log" >&2
        echo "gateway.sh: jwtbench gateway ($cell, $t threads) did not become ready" >&2
        exit 1
    fi
    printf '%s\n' "$(rss_of "$STARTED")" >"$dir/rss-start"
}

start_apache() { # CELL THREADS UPSTREAM_PORT PORT KEY_DIRECTIVES
    local cell=$1 t=$2 up=$3 port=$4 keys=$5 dir=$WORK/apache-$1-t$2 pin=() threads
    mkdir -p "$dir"
    # A thread per connection and a few more: mod_proxy holds a thread per request in flight.
    threads=$((CONNECTIONS + 8))
    fill "$ASSETS/apache.conf.in" "$dir/httpd.conf" "DIR=$dir" "PORT=$port" "THREADS=$threads" \
        "UPSTREAM_PORT=$up" "ISSUER=$ISSUER" "AUDIENCE=$AUDIENCE" "KEYS=$keys"
    cp "$dir/httpd.conf" "$REPORT/configs/apache-$cell-t$t.conf"
    local out
    if ! out=$(apache2 -t -f "$dir/httpd.conf" -d "$dir" 2>&1); then
        unavailable "$cell" "Apache refused its config: $(tr '\n' ' ' <<<"$out")"
        return
    fi
    # T CPUs for T threads: Apache's threads are per connection, not per core.
    ((t < NCPU)) && pin=(taskset -c "0-$((t - 1))")
    start "$dir/stdout.log" "${pin[@]}" apache2 -f "$dir/httpd.conf" -d "$dir" -DFOREGROUND
    PID[$cell/$t]=$STARTED
    URL[$cell/$t]=http://127.0.0.1:$port/
    if ! wait_status "$STARTED" "http://127.0.0.1:$port/" 401 30; then
        unavailable "$cell" "Apache did not answer 401 to a request without a token: $(tail -3 "$dir/error.log" | tr '\n' ' ')"
    fi
}

# check_cell CELL THREADS GOOD_TOKEN...: good tokens 200, a tampered one and none 401.
check_cell() {
    local cell=$1 t=$2 url=${URL[$1/$2]} token code failed=""
    shift 2
    for token in "$@"; do
        code=$(status "$url" "$token")
        [[ $code == 200 ]] || failed+="a good token got $code; "
    done
    code=$(status "$url" "$TAMPERED")
    [[ $code == 401 ]] || failed+="a token with a flipped signature bit got $code; "
    code=$(status "$url")
    [[ $code == 401 ]] || failed+="a request without a token got $code; "
    if [[ -n $failed ]]; then
        case $cell in
            c5 | c5j)
                unavailable "$cell" "Apache did not validate as required: ${failed% ; } ($(grep -v ':notice\]\|deprecated' "$WORK/apache-$cell-t$t/error.log" | tail -2 | tr '\n' ' '))" ;;
            *)
                echo "gateway.sh: $cell ($t threads): ${failed%; }" >&2
                check_failed=1 ;;
        esac
    fi
}

i=0
for t in "${THREAD_LIST[@]}"; do
    P_UP=${PORTS[i]} P_TLS=${PORTS[i + 1]} P_PROXY=${PORTS[i + 2]} P_G3=${PORTS[i + 3]} P_G3A=${PORTS[i + 4]}
    P_G4=${PORTS[i + 5]} P_G4A=${PORTS[i + 6]} P_A5=${PORTS[i + 7]} P_A5J=${PORTS[i + 8]}
    i=$((i + 9))
    echo "gateway.sh: starting the servers for $t thread(s)" >&2
    start_nginx "nginx-upstream-t$t" "$ASSETS/nginx-upstream.conf.in" "$t" "PORT=$P_UP" "TLS_PORT=$P_TLS"
    PID[c1/$t]=$STARTED
    URL[c1/$t]=http://127.0.0.1:$P_UP/
    wait_status "$STARTED" "${URL[c1/$t]}" 200 20 || die "the upstream nginx did not start ($WORK/nginx-upstream-t$t/error.log)"
    if wants 2; then
        start_nginx "nginx-proxy-t$t" "$ASSETS/nginx-proxy.conf.in" "$t" "PORT=$P_PROXY" "UPSTREAM_PORT=$P_UP"
        PID[c2/$t]=$STARTED
        URL[c2/$t]=http://127.0.0.1:$P_PROXY/
        wait_status "$STARTED" "${URL[c2/$t]}" 200 20 || die "the proxy nginx did not start ($WORK/nginx-proxy-t$t/error.log)"
    fi
    if [[ -z $GATEWAY_MISSING ]]; then
        wants 3 && start_gateway c3 "$t" "$P_UP" "$P_G3" "$P_G3A" ""
        wants 4 && start_gateway c4 "$t" "$P_UP" "$P_G4" "$P_G4A" \
            "          jwtbench: {key_cache: {strategy: token-cache}}"
    fi
    wants 5 && ! is_unavailable c5 && start_apache c5 "$t" "$P_UP" "$P_A5" \
        "OIDCOAuthVerifyCertFiles ${CERT_FILES[*]}"
    wants 5j && ! is_unavailable c5j && start_apache c5j "$t" "$P_UP" "$P_A5J" \
        "OIDCOAuthVerifyJwksUri https://127.0.0.1:$P_TLS/jwks.json
# nginx's self-signed certificate for 127.0.0.1: certificate checks stay on.
OIDCCABundlePath $KEYS/tls.crt"

    # Before measuring: every server under test answers good tokens with 200 and, where
    # it validates, a tampered token and a missing one with 401.
    for cell in c1 c2; do
        [[ -n ${URL[$cell/$t]:-} ]] || continue
        code=$(status "${URL[$cell/$t]}" "$GOOD_FIRST")
        [[ $code == 200 ]] || { echo "gateway.sh: $cell ($t threads) answered $code" >&2; exit 1; }
    done
    for cell in c3 c5 c5j; do
        [[ -n ${URL[$cell/$t]:-} ]] && ! is_unavailable "$cell" &&
            check_cell "$cell" "$t" "$GOOD_FIRST" "$GOOD_MIDDLE" "$GOOD_LAST"
    done
    # Cell 4 twice per token: the second answer comes from the verified-token cache.
    [[ -n ${URL[c4/$t]:-} ]] && check_cell c4 "$t" "$GOOD_FIRST" "$GOOD_FIRST" "$(sed -n "${REPEATED}p" "$REPEATED_FILE")"
done
((check_failed == 0)) || { echo "gateway.sh: the gateway failed its checks; nothing measured" >&2; exit 1; }
if [[ -n $GATEWAY_MISSING ]]; then
    wants 3 && unavailable c3 "$GATEWAY_MISSING"
    wants 4 && unavailable c4 "$GATEWAY_MISSING"
fi

# --- cells --------------------------------------------------------------------------------
declare -A CELL_NAME=(
    [c1]="1 nginx static 200" [c2]="2 nginx proxy" [c3]="3 jwtbench gateway, distinct tokens"
    [c4]="4 jwtbench gateway, 16 tokens, token cache" [c5]="5 Apache mod_auth_openidc, cert files"
    [c5j]="5j Apache mod_auth_openidc, JWKS URI")
CELL_NAME[c4]="4 jwtbench gateway, $REPEATED tokens, token cache"
declare -A CELL_WHAT=(
    [c1]="nginx \`return 200\` (3-byte body), the upstream of every other cell: the ceiling of this machine with this client."
    [c2]="nginx \`proxy_pass\` to cell 1 (HTTP/1.1, \`keepalive 64\` upstream connections, \`Connection \"\"\`): a proxy hop without validation."
    [c3]="\`jwtbench gateway --access-log off\` to cell 1; policy: issuer and audience allow lists, \`Authorization: Bearer\`, RS256 only, keys from the JWKS file; every request a full validation ($TOKENS distinct tokens in rotation, no token cache)."
    [c4]="as 3 with \`jwtbench: {key_cache: {strategy: token-cache}}\` and $REPEATED tokens in rotation: the verified-token cache answers."
    [c5]="Apache $(apache2 -v | sed -n 's/^Server version: Apache\/\([^ ]*\).*/\1/p') mpm_event, one process of $((CONNECTIONS + 8)) threads (pinned to T CPUs when T < $NCPU), mod_auth_openidc $(dpkg-query -W -f='${Version}' libapache2-mod-auth-openidc 2>/dev/null || echo '?') \`AuthType oauth20\`, keys from \`OIDCOAuthVerifyCertFiles\` (an X.509 certificate per public key), \`Require claim\` iss and aud, \`OIDCPassClaimsAs none\`, mod_proxy (keep-alive) to cell 1; the tokens of cell 3. mod_auth_openidc caches no validation result of a local JWT: every request is validated."
    [c5j]="as 5 with the keys from \`OIDCOAuthVerifyJwksUri\` (an https URL only: nginx serves the same JWK Set on loopback with a self-signed certificate that \`OIDCCABundlePath\` trusts); mod_auth_openidc keeps the JWKS in its shm cache and reads it for every request.")
ACTIVE=()
: >"$RAW/cells.tsv"
for cell in "${CELL_LIST[@]}"; do
    ACTIVE+=("c$cell")
    printf '%s\t%s\t%s\n' "c$cell" "${CELL_NAME[c$cell]}" "${CELL_WHAT[c$cell]}" >>"$RAW/cells.tsv"
done

tokens_for() { if [[ $1 == c4 ]]; then echo "$REPEATED_FILE"; else echo "$DISTINCT"; fi; }

# run_wrk CELL THREADS DURATION OUT: one wrk run; prints the server's CPU in cores.
run_wrk() {
    local cell=$1 t=$2 duration=$3 out=$4 pid=${PID[$1/$2]} ticks0 ticks1 t0 t1
    ticks0=$(cpu_ticks "$pid")
    t0=$(date +%s.%N)
    # -t1: wrk runs on the same two cores as the servers; one thread keeps its share small.
    wrk -t1 -c"$CONNECTIONS" -d"$duration" --timeout 5s --latency -s "$ASSETS/tokens.lua" \
        "${URL[$cell/$t]}" -- "$(tokens_for "$cell")" >"$out" 2>&1 || true
    t1=$(date +%s.%N)
    ticks1=$(cpu_ticks "$pid")
    awk -v d=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
        'BEGIN { printf "%.2f\n", d / hz / (t1 - t0) }'
}

runnable() { [[ -n ${URL[$1/$2]:-} ]] && ! is_unavailable "$1"; }

if ((ROUNDS > 0)); then
    echo "gateway.sh: warm-up, $WARMUP per cell" >&2
    for t in "${THREAD_LIST[@]}"; do
        for cell in "${ACTIVE[@]}"; do
            runnable "$cell" "$t" && run_wrk "$cell" "$t" "$WARMUP" "$WORK/warmup-$cell-t$t.txt" >/dev/null
        done
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        # Alternate the order so that no cell always runs right after the same neighbour.
        order=("${ACTIVE[@]}")
        if ((round % 2 == 0)); then
            order=()
            for ((k = ${#ACTIVE[@]} - 1; k >= 0; k--)); do order+=("${ACTIVE[k]}"); done
        fi
        for t in "${THREAD_LIST[@]}"; do
            for cell in "${order[@]}"; do
                runnable "$cell" "$t" || continue
                echo "gateway.sh: round $round/$ROUNDS, $t thread(s), ${CELL_NAME[$cell]}" >&2
                cores=$(run_wrk "$cell" "$t" "$DURATION" "$RAW/r$round-t$t-$cell.txt")
                printf '%s\t%s\t%s\t%s\n' "$round" "$t" "$cell" "$cores" >>"$RAW/cpu.tsv"
            done
        done
    done
    for t in "${THREAD_LIST[@]}"; do
        for cell in c3 c4; do
            runnable "$cell" "$t" || continue
            printf '%s\t%s\t%s\t%s\t%s\n' "${CELL_NAME[$cell]}" "$t" \
                "$(<"$WORK/gateway-$cell-t$t/rss-start")" "$(rss_of "${PID[$cell/$t]}")" \
                "$(hwm_of "${PID[$cell/$t]}")" >>"$RAW/rss.tsv"
        done
    done
fi

# --- the RSS run ----------------------------------------------------------------------------
SOAK_TEXT=""
if ((RSS_MINUTES > 0)); then
    if ! runnable c3 "$SOAK_THREADS"; then
        echo "gateway.sh: --rss-minutes needs cell 3 (the gateway) at $SOAK_THREADS threads" >&2
        exit 1
    fi
    # Fresh tokens (the same keys): the cells above may have used a good part of the hour.
    echo "gateway.sh: minting fresh tokens for the $RSS_MINUTES-minute run" >&2
    mint_tokens "$WORK/mint-soak"
    cp "$WORK/mint-soak/allowed.txt" "$DISTINCT"
    pid=${PID[c3/$SOAK_THREADS]}
    before=$(rss_of "$pid")
    SOAK_TEXT="| minute | VmRSS |"$'\n'"|---:|---:|"$'\n'"| 0 | $before |"
    echo "gateway.sh: cell 3 at $SOAK_THREADS thread(s) for $RSS_MINUTES min; VmRSS before: $before" >&2
    wrk -t1 -c"$CONNECTIONS" -d"${RSS_MINUTES}m" --timeout 5s --latency -s "$ASSETS/tokens.lua" \
        "${URL[c3/$SOAK_THREADS]}" -- "$DISTINCT" >"$RAW/rss-run-c3.txt" 2>&1 &
    wrk_pid=$!
    PIDS+=("$wrk_pid")
    for ((minute = 1; minute <= RSS_MINUTES; minute++)); do
        # A sample a minute: a leak shows as a steady climb, a cache as a plateau.
        for ((s = 0; s < 60; s++)); do
            kill -0 "$wrk_pid" 2>/dev/null || break
            sleep 1
        done
        ((minute < RSS_MINUTES)) && SOAK_TEXT+=$'\n'"| $minute | $(rss_of "$pid") |"
    done
    wait "$wrk_pid" || true
    after=$(rss_of "$pid")
    SOAK_TEXT+=$'\n'"| $RSS_MINUTES (end) | $after |"
    soak=$(python3 "$HELPER" wrk-summary "$RAW/rss-run-c3.txt")
    SOAK_TEXT="Cell 3 (distinct tokens) at $SOAK_THREADS thread(s) for $RSS_MINUTES minutes, $CONNECTIONS connections: $soak."$'\n\n'"$SOAK_TEXT"$'\n\n'"Peak (VmHWM): $(hwm_of "$pid")."
    echo "gateway.sh: VmRSS after $RSS_MINUTES min: $after (before: $before)" >&2
fi

# --- report -------------------------------------------------------------------------------
printf 'load_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/meta.tsv"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
[[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] && commit+=" with uncommitted changes"
cat >"$RAW/setup.md" <<EOF
Loopback, $NCPU cores ($(uname -r)), one run: $ROUNDS round(s) of $DURATION per cell after a $WARMUP warm-up, the cells interleaved (the order reversed every other round); figures are medians over the rounds, ratios the median of the within-round ratios. Timings on this VM are noisy: compare ratios, not absolute figures.

Client: wrk $(wrk -v 2>&1 | sed -n '1s/^wrk \([^ ]*\).*/\1/p') with **one thread** (\`-t1\`: it runs on the same $NCPU cores as the servers), $CONNECTIONS connections, closed loop, \`--latency\` (p99 is wrk's, of a closed loop); every cell through the same Lua script (\`bench/gateway/tokens.lua\`), each request \`GET /\` with \`Authorization: Bearer <token>\`, the tokens $(wc -c <"$DISTINCT" | awk -v n="$TOKENS" '{ printf "%d", $1 / n - 1 }') bytes, RS256, minted for now (\`jwtbench mint --algs RS256 --variants good-plain\`). Threads: nginx \`worker_processes\`, \`jwtbench gateway --threads\`, Apache's CPUs (taskset) below $NCPU. Server CPU: user + system time of the server under test (and its children) during the cell, in cores.

jwtbench $("$BIN" --version 2>/dev/null || echo '?') ($BIN_ORIGIN; the tree at $commit); $(nginx -v 2>&1 | sed 's/^nginx version: //'); $(apache2 -v | sed -n 's/^Server version: //p'); mod_auth_openidc $(dpkg-query -W -f='${Version}' libapache2-mod-auth-openidc 2>/dev/null || echo '?').
EOF
if ((ROUNDS > 0)); then
    report_rc=0
    python3 "$HELPER" report "$RAW" "$REPORT/summary.md" || report_rc=$?
else
    report_rc=0
    cp "$RAW/setup.md" "$REPORT/summary.md"
fi
if [[ -n $SOAK_TEXT ]]; then
    printf '\n## Gateway RSS over a %s-minute run\n\n%s\n' "$RSS_MINUTES" "$SOAK_TEXT" | tee -a "$REPORT/summary.md"
fi
echo
echo "gateway.sh: report in $REPORT (summary.md, raw/, configs/)"
exit "$report_rc"
