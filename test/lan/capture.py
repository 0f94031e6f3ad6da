"""
Records every frame crossing a namespace LAN's bridge, as a Wi-Fi eavesdropper would
(test/lan/phone-capture.test.ts). Run inside the bridge namespace: one AF_PACKET socket,
not bound to an interface, hears each frame as it enters a bridge port and as it leaves
another. Bounded: it stops at the stop file, after max_seconds, or at max_bytes.

Writes OUT.frames, every frame's bytes one after the other; OUT.streams, each TCP
direction's payload put back in sequence order (a text cut between two segments is whole
there); and OUT.flows.json, where each direction is in OUT.streams. Prints one JSON line:
what it heard.

Usage: python3 capture.py OUT STOP_FILE MAX_SECONDS MAX_BYTES
"""
import json, os, select, socket, struct, sys, time

out, stop_file, max_seconds, max_bytes = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
ETH_P_ALL = 0x0003
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
# Say we listen only once the socket is open: the test starts its exchange after this line.
print(json.dumps({'event': 'listening'}), flush=True)

frames = open(out + '.frames', 'wb')
streams = {}  # (src, sport, dst, dport) -> {seq: payload}
count, total, tcp_payload, udp_payload = 0, 0, 0, 0
flows = set()
deadline = time.monotonic() + max_seconds


def tcp_segment(frame):
    """The flow key, sequence number and payload of an IPv4 TCP frame, or None."""
    if len(frame) < 34 or frame[12:14] != b'\x08\x00':
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[9] != 6 and ip[9] != 17:
        return None
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    length = struct.unpack('!H', ip[2:4])[0]
    seg = ip[ihl:length]
    if ip[9] == 17:
        return ('udp', src, dst, seg[8:])
    if len(seg) < 20:
        return None
    sport, dport, seq = struct.unpack('!HHI', seg[0:8])
    off = (seg[12] >> 4) * 4
    return ('tcp', (src, sport, dst, dport), seq, seg[off:])


while time.monotonic() < deadline and total < max_bytes and not os.path.exists(stop_file):
    ready, _, _ = select.select([sock], [], [], 0.05)
    if not ready:
        continue
    frame = sock.recv(262144)
    count += 1
    total += len(frame)
    frames.write(frame)
    seg = tcp_segment(frame)
    if seg is None:
        continue
    if seg[0] == 'udp':
        udp_payload += len(seg[3])
        continue
    _, key, seq, payload = seg
    if payload:
        tcp_payload += len(payload)
        flows.add('%s:%d>%s:%d' % key)
        streams.setdefault(key, {})[seq] = payload

frames.close()
index = []
with open(out + '.streams', 'wb') as f:
    for key, parts in streams.items():
        data = b''.join(parts[seq] for seq in sorted(parts))
        index.append({'flow': '%s:%d>%s:%d' % key, 'offset': f.tell(), 'length': len(data)})
        f.write(data)
        f.write(b'\n--- end of flow ---\n')
with open(out + '.flows.json', 'w') as f:
    json.dump(index, f)
print(json.dumps({'event': 'done', 'frames': count, 'bytes': total, 'tcpPayload': tcp_payload, 'udpPayload': udp_payload,
                  'flows': sorted(flows), 'full': total >= max_bytes, 'timedOut': time.monotonic() >= deadline}), flush=True)
