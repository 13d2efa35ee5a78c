"""A loopback TCP proxy for the client tests, in a thread of the test: forwards
127.0.0.1:<port> to 127.0.0.1:<target>, counts the bytes in each direction, and
can drop the connection once (a reset to the client, a close to the server) when
the bytes towards the server (`cut_up`) or towards the client (`cut_down`) pass a
limit, as a broken network path would; `delay` slows each forwarded piece down
(for a kill in the middle of an upload). Counters after the cut are kept apart so
a test can tell how much was sent again."""
import socket
import struct
import threading
import time


class Proxy:
    def __init__(self, target_port, cut_up=None, cut_down=None, delay=0.0):
        self.target = target_port
        self.cut_up, self.cut_down, self.delay = cut_up, cut_down, delay
        self.lock = threading.Lock()
        self.up = self.down = 0
        self.up_after_cut = self.down_after_cut = 0
        self.cut = False
        self.active = self.max_active = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def reset_counters(self):
        with self.lock:
            self.up = self.down = self.up_after_cut = self.down_after_cut = 0

    def close(self):
        self.closed = True
        self.sock.close()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.active += 1
                self.max_active = max(self.max_active, self.active)
            pair = [client, upstream]
            ends = [0]
            threading.Thread(target=self._pump_counted, args=(client, upstream, True, pair, ends),
                             daemon=True).start()
            threading.Thread(target=self._pump_counted, args=(upstream, client, False, pair, ends),
                             daemon=True).start()

    def _pump_counted(self, src, dst, up, pair, ends):
        """One direction; the connection counts as closed when both have ended."""
        try:
            self._pump(src, dst, up, pair)
        finally:
            with self.lock:
                ends[0] += 1
                if ends[0] == 2:
                    self.active -= 1

    def _drop(self, pair):
        client, upstream = pair
        try:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        # shutdown() reaches the peer even while the other pump thread sits in recv().
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for s in pair:
            try:
                s.close()
            except OSError:
                pass

    def _pump(self, src, dst, up, pair):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if self.delay:
                time.sleep(self.delay)
            with self.lock:
                limit = self.cut_up if up else self.cut_down
                count = self.up if up else self.down
                if not self.cut and limit is not None and count + len(data) >= limit:
                    self.cut = True
                    drop = True
                else:
                    drop = False
                    if up:
                        self.up += len(data)
                        if self.cut:
                            self.up_after_cut += len(data)
                    else:
                        self.down += len(data)
                        if self.cut:
                            self.down_after_cut += len(data)
            if drop:
                self._drop(pair)
                return
            try:
                dst.sendall(data)
            except OSError:
                self._drop(pair)
                return
