#!/usr/bin/env python3
"""Writes a fuzz target's seed corpus into a folder, from the project's vectors
(vectors/jwtbench-cases.json: tokens signed with the committed keys vectors/keys, policies,
key sets, requests) and small hand-made inputs. Called by scripts/fuzz.sh before a run; the
corpus folders (.fuzz/) are not committed.

Usage: scripts/fuzz-seeds.py TARGET FOLDER
"""
import base64
import hashlib
import json
import os
import random
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def vectors():
    with open(os.path.join(ROOT, "vectors", "jwtbench-cases.json"), encoding="utf-8") as f:
        return json.load(f)


def tokens(doc):
    for case in doc["cases"]:
        if "token" in case:
            yield case["token"]


def seeds(target):
    doc = vectors()
    rng = random.Random(7)
    if target == "FuzzValidator":
        yield from (t.encode() for t in tokens(doc))
    elif target == "FuzzBase64URL":
        for t in tokens(doc):
            yield from (s.encode() for s in t.split(".")[:3])
        yield from (b"", b"A", b"AA", b"AAA", b"AAAA", b"AB", b"A-_z", b"AA==", b"A+/=")
    elif target == "FuzzJSONScanner":
        for t in tokens(doc):
            for segment in t.split(".")[:2]:
                try:
                    yield b64url_decode(segment)
                except Exception:
                    pass
        yield json.dumps(doc["keysets"]).encode()
        yield from (b"{}", b"[]", b"0", b"-0.5e+3", b'"\\ud83d\\ude00"', b'{"a":1,"\\u0061":2}', b"[1e400]",
                    # Trailing commas: swift-foundation accepts them, RFC 8259 and the scanner do not.
                    b'[1e40,]', b'{"roles":["admin",],"a":1}', b'{"a":1,}')
    elif target == "FuzzPolicy":
        for text in doc["policies"].values():
            yield text.encode()
        yield json.dumps({"issuer": {"allow_list": [{"value": "https://i/"}]}, "jws": {"allowed_algorithms": ["RS256"]}}).encode()
    elif target == "FuzzJWKS":
        for keyset in doc["keysets"].values():
            yield json.dumps(keyset).encode()
            for key in keyset.get("keys", []):
                yield json.dumps({"keys": [key]}).encode()
    elif target == "FuzzRequest":
        for case in doc["cases"]:
            if "request" in case:
                yield json.dumps(case["request"]).encode()
        for t in list(tokens(doc))[:20]:
            yield json.dumps({"method": "POST", "headers": {"Content-Type": "application/json"},
                              "body": {"access_token": t}}).encode()
            yield json.dumps({"method": "POST", "headers": [["Content-Type", "application/x-www-form-urlencoded"]],
                              "body": "access_token=" + t}).encode()
    elif target == "FuzzGatewayRequest":
        for t in list(tokens(doc))[:40]:
            yield (f"GET /a?b=c HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {t}\r\nX-User: forged\r\n"
                   f"Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\n\r\n").encode()
        yield (b"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
               b"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.0\r\n\r\n")
        yield b"PUT /x HTTP/1.1\r\nContent-Length: 3\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: ftp\r\n\r\nabc"
    elif target == "FuzzUpstreamResponse":
        # One options byte (bit 0: the first request was HEAD; the rest: read size), then
        # upstream bytes: fixed-length, chunked with extensions and trailers, until-close,
        # interim 1xx, keep-alive variants, pipelined responses.
        streams = [
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx",
            b"HTTP/1.1 200 OK\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\nContent-Length: 1\r\n\r\nz",
            b"HTTP/1.1 200\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
        ]
        for stream in streams:
            for options in (0, 1, 2, 6, 14, 255):
                yield bytes([options]) + stream
    elif target == "FuzzClientRequest":
        # One options byte (the read size; 0: all at once), then client bytes: pipelined
        # requests with fixed-length and chunked bodies (extensions, trailers), HTTP/1.0
        # keep-alive, close, absolute and asterisk forms, an upgrade.
        streams = [
            b"GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n",
            b"POST /b?q HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello",
            b"PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
            b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
            b"DELETE /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\nX-Drop: 1\r\n\r\n",
            b"POST /g HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\nGET /h HTTP/1.1\r\nHost: h\r\n\r\n",
            b"PATCH /i HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabcOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            b"GET http://example.com/x HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /k HTTP/1.1\r\nHost: h\r\n\r\n",
        ]
        for stream in streams:
            for options in (0, 1, 3, 7, 64):
                yield bytes([options]) + stream
    elif target == "FuzzRSA":
        for first in range(24):
            for _ in range(4):
                yield bytes([first, rng.randrange(64)]) + rng.randbytes(rng.choice([40, 80, 300]))
    elif target == "fuzz_p256":
        for mode in range(6):
            for _ in range(8):
                yield bytes([mode, rng.randrange(256)]) + rng.randbytes(rng.choice([64, 97, 130, 200]))
    else:
        sys.exit(f"fuzz-seeds: no seeds for {target}")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/fuzz-seeds.py TARGET FOLDER")
    target, folder = sys.argv[1], sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    count = 0
    for seed in seeds(target):
        name = hashlib.sha1(seed).hexdigest()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(seed)
        count += 1
    print(f"fuzz-seeds: {count} seeds for {target} in {folder}")


if __name__ == "__main__":
    main()
