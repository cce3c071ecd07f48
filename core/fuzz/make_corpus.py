#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Writes the seed corpus of the harnesses into core/fuzz/corpus/<harness>/.

    python3 core/fuzz/make_corpus.py

The seeds are kept in the repository; this script says how they were made (running it
again rewrites the same files). ci/fuzz.sh fuzzes a copy, so runs never change them.
"""
import hashlib
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent / "corpus"

ADDRESSES = [
    "127.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535", "1.2.3.4:65536", "1.2.3.4:",
    "01.2.3.4:80", "1.2.3:80", "1.2.3.4.5:80", "256.1.1.1:1", "1.2.3.4:080", "1.2.3.4: 80",
    "[::1]:80", "[::]:0", "[fe80::1%1]:443", "[fe80::1%lo]:22", "[fe80::1%]:22", "[fe80::1%eth0]:22",
    "[::ffff:1.2.3.4]:8080", "[1:2:3:4:5:6:7:8]:1", "[1::2:3:4:5:6:7]:1", "[1:2:3:4:5:6:7::]:1",
    "[::1.2.3.4]:9", "[2001:db8::%4294967295]:1", "[2001:db8::%4294967296]:1", "::1:80", "[::1]",
    "[::1]:", "[:::1]:80", "[1::2::3]:80", "[ABCD:ef01::]:65535",
    "unix:/tmp/sock", "unix:@abstract", "unix:@", "unix:", "unix:%40at", "unix:a%00b", "unix:@a%00b",
    "unix:%zz", "unix:%4", "unix:/" + "p" * 107, "unix:/" + "p" * 108, "unix:caf\u00e9",
    "unix:\x00x", "unix:@\x00\x00",
]

IP_ADDRESSES = [
    "0.0.0.0", "127.0.0.1", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.", "01.2.3.4",
    "1.2.3.04", "127.1", "0x7f.0.0.1", " 1.2.3.4", "1.2.3.4\n", "1.2.3.4\x00junk",
    "::", "::1", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:0:0", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
    "1::2:3:4:5:6:7", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4", "FE80::ABCD", "fe80::1%1", "fe80::1%lo", "fe80::1%eth0", "fe80::1%",
    "fe80::1%%1", "fe80::1%0", "fe80::1%4294967295", "fe80::1%4294967296", "fe80::1%00000000001",
    "2001:db8::1:0:0:1", "2001:0db8:0000:0000:0000:0000:0000:0001", "00000::1", ":1::", "1::2:",
    "1::2::3", ":::", "1.2.3.4%1", "::ffff:01.2.3.4", "::1.2.3",
]

# flags byte: family (bits 0-1), type (2-4), passive (5), canonical name (6), numeric (7);
# extra byte: protocol (bits 0-2), overload (3-4).
RESOLVE = [
    (0x00, 0x00, "127.0.0.1", "80"), (0x04, 0x00, "::1", "http"), (0x08, 0x00, "127.0.0.1", "domain"),
    (0x00, 0x00, "", ""), (0x20, 0x00, "", "0"), (0x40, 0x00, "localhost", "ssh"),
    (0x80, 0x00, "localhost", "22"), (0x01, 0x00, "::1", "80"), (0x02, 0x00, "1.2.3.4", "80"),
    (0x03, 0x00, "127.0.0.1", "80"), (0x00, 0x00, "127.0.0.1", "65535"), (0x00, 0x00, "127.0.0.1", "65536"),
    (0x00, 0x00, "127.0.0.1", "70000"), (0x00, 0x00, "127.0.0.1", "nosuchservice"),
    (0x00, 0x00, "fe80::1%1", "80"), (0x00, 0x00, "fe80::1%lo", "80"), (0x00, 0x00, "example.com", "80"),
    (0x00, 0x00, "127.1", "80"), (0x0c, 0x00, "127.0.0.1", "80"), (0x10, 0x00, "127.0.0.1", "80"),
    (0x14, 0x00, "127.0.0.1", "80"), (0x04, 0x04, "127.0.0.1", "80"), (0x04, 0x07, "127.0.0.1", "80"),
    (0x00, 0x10, "localhost", "80"), (0x00, 0x18, "127.0.0.1", "80"), (0x00, 0x00, "::ffff:1.2.3.4", "0"),
    (0x00, 0x00, "127.0.0.1\x00x", "80"), (0x48, 0x00, "::1", "www"), (0x00, 0x00, "0", "80"),
    # An IPv4-mapped host asked for as IPv4: glibc answers with the IPv4 address.
    (0xf9, 0x00, "::ffff:1.2.3.4", "0"),
]

LINES = [
    b"hello\n", b"line one\nline two\nline three\n", b"crlf\r\nline\r\n", b"no newline at the end",
    b"\n\n\n", b"nul\x00inside\x00\n", b"x" * 5000 + b"\n", b"y" * 6000, b"\r\n" * 300,
    b"a\nbb\nccc\ndddd\n" * 50, b"\xff\xfe\x00\x01\n",
]


def write(harness, name, data):
    directory = root / harness
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def seed_name(data):
    return hashlib.sha1(data).hexdigest()[:16]


def stream_program(mode, data, ops):
    """An input for fuzz_stream.cpp, roughly: FuzzedDataProvider takes bytes from the front
    (the data written) and integers from the back, so the program is written back to
    front (its range arithmetic is not redone here: a seed only needs to start near).
    ops: a list of (kind, value) with kind 0 write (value: length), 1 flush, 2 read,
    3 read_exact, 4 readline (value: the size selector byte and a 16-bit size)."""
    tail = bytearray()

    def push(*values):  # one byte per integer, read last-first
        for v in values:
            tail.insert(0, v & 0xFF)

    push(mode, 0x01, 0x00)  # mode, small read buffer (bool, then size), no writing stream
    for kind, value in ops:
        push(kind)
        if kind == 0:
            tail[0:0] = struct.pack(">H", min(value, 4096))[::-1]
        elif kind in (2, 3, 4):
            push(value & 0xFF)
    return bytes(data) + bytes(tail)


def main():
    for text in ADDRESSES:
        data = text.encode("utf-8", "surrogateescape")
        write("address", seed_name(data), data)
    for text in IP_ADDRESSES:
        data = text.encode()
        write("ip_address", seed_name(data), data)
    for flags, extra, host, service in RESOLVE:
        data = bytes([flags, extra]) + host.encode() + b"\n" + service.encode()
        write("resolve", seed_name(data), data)
    for text in LINES:
        write("stream", seed_name(text), text)
        for mode in (0, 1, 2):
            program = stream_program(mode, text, [(0, len(text)), (4, 5), (2, 3), (3, 4), (1, 0)])
            write("stream", seed_name(program), program)


if __name__ == "__main__":
    main()
