// Readiness probe for a MongoDB wire-protocol server (FerretDB here), with no driver and
// no mongosh: sends OP_MSG { ping: 1, $db: "admin" } and exits 0 when the reply says ok: 1.
// Usage: node scripts/lib/mongo-ping.mjs HOST PORT [TIMEOUT_MS]
import net from 'node:net';

const [host = '127.0.0.1', port = '27017', timeoutMs = '2000'] = process.argv.slice(2);

function bsonDocument(elements) {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 4);
  return Buffer.concat([size, body]);
}

function int32Element(name, value) {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value);
  return Buffer.concat([Buffer.from([0x10]), Buffer.from(`${name}\0`), v]);
}

function stringElement(name, value) {
  const s = Buffer.from(`${value}\0`);
  const len = Buffer.alloc(4);
  len.writeInt32LE(s.length);
  return Buffer.concat([Buffer.from([0x02]), Buffer.from(`${name}\0`), len, s]);
}

const OP_MSG = 2013;
const doc = bsonDocument([int32Element('ping', 1), stringElement('$db', 'admin')]);
const header = Buffer.alloc(16 + 4 + 1);
header.writeInt32LE(header.length + doc.length, 0); // messageLength
header.writeInt32LE(1, 4); // requestID
header.writeInt32LE(0, 8); // responseTo
header.writeInt32LE(OP_MSG, 12); // opCode
header.writeUInt32LE(0, 16); // flagBits
header.writeUInt8(0, 20); // section kind 0: body
const request = Buffer.concat([header, doc]);

// Finds the top-level "ok" field of the reply body and reads it as a number.
function replyOk(msg) {
  if (msg.readInt32LE(12) !== OP_MSG || msg.readUInt8(20) !== 0) return false;
  const start = 21;
  const end = start + msg.readInt32LE(start) - 1;
  let i = start + 4;
  while (i < end) {
    const type = msg.readUInt8(i);
    const nameEnd = msg.indexOf(0, i + 1);
    const name = msg.toString('utf8', i + 1, nameEnd);
    let p = nameEnd + 1;
    if (name === 'ok') {
      if (type === 0x01) return msg.readDoubleLE(p) === 1;
      if (type === 0x10) return msg.readInt32LE(p) === 1;
      if (type === 0x12) return msg.readBigInt64LE(p) === 1n;
      return false;
    }
    // Skip the value of the element types a ping reply can carry.
    if (type === 0x01 || type === 0x12 || type === 0x09 || type === 0x11) p += 8;
    else if (type === 0x10) p += 4;
    else if (type === 0x08) p += 1;
    else if (type === 0x02) p += 4 + msg.readInt32LE(p);
    else if (type === 0x03 || type === 0x04) p += msg.readInt32LE(p);
    else if (type === 0x0a) p += 0;
    else return false;
    i = p;
  }
  return false;
}

const socket = net.connect({ host, port: Number(port) });
const timer = setTimeout(() => {
  socket.destroy();
  process.exit(1);
}, Number(timeoutMs));
let received = Buffer.alloc(0);
socket.on('connect', () => socket.write(request));
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length >= 4 && received.length >= received.readInt32LE(0)) {
    clearTimeout(timer);
    socket.destroy();
    process.exit(replyOk(received) ? 0 : 1);
  }
});
socket.on('error', () => {
  clearTimeout(timer);
  process.exit(1);
});
