#!/usr/bin/env python3
"""Opens N client connections to a Redis endpoint, sends PING on each and reads +PONG, prints 'ready',
then keeps them open and idle until standard input closes. Used by bench/idle-connections.sh."""
import socket
import sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conns = []
for _ in range(n):
    s = socket.create_connection((host, port))
    conns.append(s)
for s in conns:
    s.sendall(b"PING\r\n")
for s in conns:
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = s.recv(64)
        if not chunk:
            sys.exit("connection closed before +PONG")
        reply += chunk
    if reply != b"+PONG\r\n":
        sys.exit("unexpected reply: %r" % reply)
print("ready", flush=True)
sys.stdin.read()
for s in conns:
    s.close()
