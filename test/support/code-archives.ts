import { gzipSync } from 'node:zlib';
import { zipSync, type Zippable } from 'fflate';

/** One entry of a test archive: a file's text or bytes, or a special kind the readers must refuse or skip. */
export type ArchiveEntry =
  | { name: string; content: string | Buffer }
  | { name: string; kind: 'directory' }
  | { name: string; kind: 'symlink' | 'hardlink'; target: string }
  | { name: string; kind: 'device' };

/** A zip made with fflate, as the CLI makes them; unix modes mark links and devices. */
export function makeZip(entries: ArchiveEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries) {
    if ('content' in entry) files[entry.name] = [Buffer.from(entry.content), { os: 3, attrs: 0o100644 << 16 }];
    else if (entry.kind === 'directory')
      files[entry.name.endsWith('/') ? entry.name : `${entry.name}/`] = [new Uint8Array(0), { os: 3, attrs: 0o040755 << 16 }];
    else if (entry.kind === 'symlink') files[entry.name] = [Buffer.from(entry.target), { os: 3, attrs: 0o120777 << 16, level: 0 }];
    else files[entry.name] = [new Uint8Array(0), { os: 3, attrs: 0o020644 << 16 }];
  }
  return Buffer.from(zipSync(files));
}

/** A ustar archive; names over 100 bytes get a pax `path` record, as GNU tar and bsdtar write them. */
export function makeTar(entries: ArchiveEntry[], options: { gnuLongNames?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = 'content' in entry ? Buffer.from(entry.content) : Buffer.alloc(0);
    const type = 'content' in entry ? '0' : { directory: '5', symlink: '2', hardlink: '1', device: '3' }[entry.kind];
    const link = 'target' in entry ? entry.target : '';
    if (Buffer.byteLength(entry.name) > 100) {
      if (options.gnuLongNames) {
        const name = Buffer.from(`${entry.name}\0`);
        blocks.push(tarHeader('././@LongLink', 'L', name.length, ''), padded(name));
      } else {
        const record = paxRecord('path', entry.name);
        blocks.push(tarHeader(`PaxHeaders/${entry.name.slice(0, 80)}`, 'x', record.length, ''), padded(record));
      }
    }
    blocks.push(tarHeader(entry.name.slice(0, 100), type, data.length, link), padded(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function makeTgz(entries: ArchiveEntry[]): Buffer {
  return gzipSync(makeTar(entries));
}

/** A raw tar header, for archives the helpers above would not write. */
export function tarHeader(name: string, type: string, size: number, link: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0001750\0', 108);
  header.write('0001750\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write(type, 156);
  header.write(link, 157, 100, 'utf8');
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`);
}
