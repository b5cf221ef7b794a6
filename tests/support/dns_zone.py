"""A tiny authoritative DNS server for tests: there is no internet (nor resolver) on the test machine."""
from __future__ import annotations


class Zone:
    """A DNS server on a loopback UDP port answering CNAME queries from `records` (name -> target), NXDOMAIN otherwise."""

    def __init__(self, records: dict[str, str]):
        import socket
        import threading

        self.records = records
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import dns.message
        import dns.rcode
        import dns.rrset

        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            answer = dns.message.make_response(query)
            name = query.question[0].name.to_text().rstrip(".")
            if name in self.records:
                answer.answer.append(dns.rrset.from_text(query.question[0].name, 300, "IN", "CNAME", self.records[name] + "."))
            else:
                answer.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(answer.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()
