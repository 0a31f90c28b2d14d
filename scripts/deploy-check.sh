#!/usr/bin/env bash
# Check a deployment of the dashboard from outside, as a phone sees it:
#   scripts/deploy-check.sh [--insecure | --cacert FILE] [--seconds N] URL
# URL is the public address (https://thidua.example.vn), the one [server] public_url names.
#   health   GET URL/healthz answers 200 (the data is fresh)
#   sse      an `event: standings` frame arrives on URL/api/events through the proxy within N s (10)
#   http2    the proxy speaks HTTP/2 (curl's %{http_version} is 2)
#   qr       the projector's QR code encodes URL/live (GET URL/api/qr, what the projector draws)
# Prints one line per check; exits 1 naming the checks that failed (2: bad usage).
# --cacert FILE trusts an internal authority's certificate; --insecure trusts any (a throwaway one).
set -u

tls=()
seconds=10
while [ $# -gt 0 ]; do
    case "$1" in
        --insecure) tls=(--insecure); shift ;;
        --cacert) tls=(--cacert "$2"); shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        -*) echo "unknown option: $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ]; then
    echo "usage: $0 [--insecure | --cacert FILE] [--seconds N] URL" >&2
    exit 2
fi
url="${1%/}"
failed=()

pass() { echo "ok    $1: $2"; }
fail() { echo "FAIL  $1: $2"; failed+=("$1"); }

# health
code=$(curl "${tls[@]}" -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/healthz")
if [ "$code" = "200" ]; then pass health "/healthz 200"; else fail health "/healthz answered ${code:-nothing} (want 200)"; fi

# sse: read the stream line by line until the first standings frame, for at most $seconds
found=""
exec 3< <(exec curl "${tls[@]}" -sN --max-time "$seconds" -H 'Accept: text/event-stream' "$url/api/events")
reader=$!
deadline=$((SECONDS + seconds))
while [ $SECONDS -le $deadline ] && IFS= read -r -t "$seconds" -u 3 line; do
    if [ "${line%$'\r'}" = "event: standings" ]; then found=yes; break; fi
done
kill "$reader" 2>/dev/null
exec 3<&-
if [ -n "$found" ]; then pass sse "an 'event: standings' frame through the proxy"
else fail sse "no 'event: standings' frame on /api/events within ${seconds} s"; fi

# http2
version=$(curl "${tls[@]}" --http2 -sI -o /dev/null -w '%{http_version}' --max-time 10 "$url/healthz")
if [ "$version" = "2" ]; then pass http2 "HTTP/2"; else fail http2 "HTTP/${version:-?} (want 2: listen ... ssl http2)"; fi

# qr: what the projector's QR code encodes must be the public address's /live
answer=$(curl "${tls[@]}" -s --max-time 10 "$url/api/qr")
qr=$(printf '%s' "$answer" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["url"]); print(d["public_url"])' 2>/dev/null)
encoded=$(printf '%s\n' "$qr" | sed -n 1p)
public=$(printf '%s\n' "$qr" | sed -n 2p)
if [ -z "$qr" ]; then fail qr "/api/qr did not answer its JSON"
elif [ -z "$public" ]; then fail qr "[server] public_url is not set (the QR code shows whatever address the projector used)"
elif [ "$encoded" != "$url/live" ]; then fail qr "the QR code encodes $encoded, not $url/live"
else pass qr "the QR code encodes $encoded"; fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "failed: ${failed[*]}"
    exit 1
fi
echo "all checks passed"
