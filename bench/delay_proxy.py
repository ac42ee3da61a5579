#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time in each direction: a LAN's round trip for
daemons on loopback, where `tc netem` is not available (this machine's kernel has no sch_netem).

    delay_proxy.py LISTEN_ADDRESS LISTEN_PORT TARGET_ADDRESS TARGET_PORT ONE_WAY_MS

Prints "ready" once it listens. Each chunk read on one side is written to the other ONE_WAY_MS
after it arrived, in order, so a request and its answer pay 2 x ONE_WAY_MS as on a real link;
bandwidth is not limited. An end of stream is passed on after the same delay (a half close), and a
connection the target refuses is closed at once. Threads, not asyncio: asyncio's timers wake up to
a millisecond late (epoll's timeout is in whole milliseconds), time.sleep is precise to about 0.1 ms.
"""

import queue
import socket
import sys
import threading
import time


def direction(src, dst, delay):
    """Copies src to dst, each chunk delay seconds after it was read; passes the end on."""
    chunks = queue.Queue()

    def read():
        while True:
            try:
                data = src.recv(1 << 16)
            except OSError:
                data = b""
            chunks.put((time.monotonic() + delay, data))
            if not data:
                return

    def write():
        while True:
            due, data = chunks.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
            except OSError:
                src.close()  # the other side is gone: stop reading for it
                return

    threading.Thread(target=read, daemon=True).start()
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def handle(client, target, delay):
    try:
        server = socket.create_connection(target)
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    writers = [direction(client, server, delay), direction(server, client, delay)]
    for w in writers:
        w.join()
    client.close()
    server.close()


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    listen, port, target, target_port, one_way_ms = sys.argv[1:]
    delay = float(one_way_ms) / 1000
    listener = socket.create_server((listen, int(port)), backlog=128)
    print("ready", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(
            target=handle, args=(client, (target, int(target_port)), delay), daemon=True
        ).start()


if __name__ == "__main__":
    main()
