// Draws the app's icons (a white check mark on the brand colour, full
// bleed so the maskable safe zone holds the mark) as PNGs into public/.
// Run once: node scripts/icons.mjs; the PNGs are committed.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const BRAND = [0x0b, 0x4f, 0x6c];

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// Distance from point p to segment ab.
function dist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function icon(size) {
  const rows = [];
  const s = size;
  const w = 0.075 * s; // half the stroke width
  for (let y = 0; y < s; y++) {
    const row = Buffer.alloc(1 + s * 3);
    for (let x = 0; x < s; x++) {
      const px = x + 0.5, py = y + 0.5;
      const d = Math.min(dist(px, py, 0.3 * s, 0.52 * s, 0.44 * s, 0.66 * s), dist(px, py, 0.44 * s, 0.66 * s, 0.72 * s, 0.36 * s));
      const a = Math.max(0, Math.min(1, w - d + 0.5)); // antialiased edge
      for (let c = 0; c < 3; c++) row[1 + x * 3 + c] = Math.round(BRAND[c] * (1 - a) + 255 * a);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(s, 0);
  ihdr.writeUInt32BE(s, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

for (const size of [192, 512]) writeFileSync(new URL(`../public/icon-${size}.png`, import.meta.url), icon(size));
